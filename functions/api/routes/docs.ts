import { Hono } from 'hono';

/**
 * A self-contained reference page (no CDN, so it works offline): it reads
 * /v1/openapi.json and lists every operation with its parameters and errors.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zapfleet API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace;background:#f4f4f4;border-radius:4px}
pre{padding:.6rem;overflow:auto}.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}.get{color:#1565c0}.post{color:#2e7d32}.delete{color:#c62828}
</style></head><body>
<h1>zapfleet API</h1>
<p>Machine-readable document: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).
Every request needs <code>Authorization: Bearer &lt;JWT&gt;</code>; every error is
<code>{"error":{"code","message","details?","requestId"}}</code>.</p>
<div id="ops">loading…</div>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch('/v1/openapi.json').then((r) => r.json()).then((doc) => {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters ?? []).map((p) => '<code>' + esc(p.in) + ':' + esc(p.name) + '</code>').join(' ');
      const body = op.requestBody ? '<pre>' + esc(JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2)) + '</pre>' : '';
      const responses = Object.entries(op.responses).map(([s, r]) => '<li><b>' + esc(s) + '</b> ' + esc(r.description) + '</li>').join('');
      out.push('<div class="op"><p><span class="m ' + method + '">' + method + '</span><code>' + esc(path) + '</code> — ' + esc(op.summary) + '</p>'
        + (params ? '<p>Parameters: ' + params + '</p>' : '') + body + '<ul>' + responses + '</ul></div>');
    }
  }
  document.getElementById('ops').innerHTML = out.join('');
  document.getElementById('ops').insertAdjacentHTML('beforebegin', '<h2>Schemas</h2><pre>' + esc(JSON.stringify(doc.components.schemas, null, 2)) + '</pre><h2>Operations</h2>');
});
</script></body></html>`;

export function docsRoutes(): Hono {
  return new Hono().get('/docs', (c) => c.html(PAGE));
}
