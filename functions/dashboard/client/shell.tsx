import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Auth, isMaster, signOut } from './auth.ts';
import { formatExpiry } from './expiry.ts';
import { ROUTES } from './routes.ts';
import { Button } from './ui/button.tsx';

function Expiry({ exp }: { readonly exp: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="expiry" title={new Date(exp * 1000).toLocaleString()}>
      Token {formatExpiry(exp, now)}
    </span>
  );
}

/** Header with the navigation and who is signed in, then the page. */
export function Shell({
  auth,
  path,
  children,
}: {
  readonly auth: Auth | undefined;
  readonly path: string;
  readonly children: ComponentChildren;
}) {
  const nav = ROUTES.filter((r) => r.nav && (!r.nav.masterOnly || isMaster(auth)));
  return (
    <>
      {/* A button, not a link: a `#main` href would be taken for a route. */}
      <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <span class="brand">zapfleet</span>
        {auth && (
          <nav aria-label="Main">
            <ul>
              {nav.map((r) => (
                <li key={r.pattern}>
                  <a href={`#${r.pattern}`} aria-current={path.startsWith(r.pattern) ? 'page' : undefined}>
                    {r.nav?.label}
                  </a>
                </li>
              ))}
              {/* Same tab: /docs reads the token from this origin's sessionStorage, never from a URL. */}
              <li>
                <a href="/docs">API reference</a>
              </li>
            </ul>
          </nav>
        )}
        {auth && (
          <div class="who">
            <span>
              {auth.claims.tenant} · {auth.claims.role}
            </span>
            <Expiry exp={auth.claims.exp} />
            <Button onClick={() => signOut('You signed out.')}>Sign out</Button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
