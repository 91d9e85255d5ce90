// Swagger UI's initializer, served as a file: the CSP of /docs allows no inline script.
// A dashboard user who is signed in in this tab has the token in sessionStorage
// (same origin); it is handed to Swagger UI's authorize dialog, never put in a URL,
// and never persisted by Swagger UI (persistAuthorization stays off: that is localStorage).
(() => {
  // Swagger UI leaves some controls unlabelled and code panels unreachable by keyboard: fix each as it renders.
  const label = (root) => {
    for (const select of root.querySelectorAll('select:not([aria-label])')) {
      const row = select.closest('tr[data-param-name]');
      const name = row ? row.getAttribute('data-param-name') : select.className || 'option';
      select.setAttribute('aria-label', name);
    }
    for (const pre of root.querySelectorAll('pre:not([tabindex])')) pre.setAttribute('tabindex', '0');
  };
  new MutationObserver(() => label(document)).observe(document.body, { childList: true, subtree: true });
  let token = null;
  try {
    token = sessionStorage.getItem('zapfleet.token');
  } catch {
    // Storage disabled: authorize by hand.
  }
  const ui = SwaggerUIBundle({
    url: '/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: false,
    persistAuthorization: false,
    tryItOutEnabled: false,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    onComplete: () => {
      if (token) ui.preauthorizeApiKey('bearerAuth', token);
      const status = document.getElementById('docs-auth');
      if (status)
        status.textContent = token
          ? 'Signed in from the dashboard: “Try it out” sends your token.'
          : 'Not signed in: sign in to the dashboard in this tab, or use Authorize with a token.';
    },
  });
})();
