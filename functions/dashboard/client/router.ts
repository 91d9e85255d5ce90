/** Hash routing: `#/sessions/ses_1?status=QR` → pattern match, params and query. */
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

/** Params of `path` against `pattern` (`/sessions/:id`), or undefined when it does not match. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const value = got[i] ?? '';
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (segment !== value) return undefined;
  }
  return params;
}

export function navigate(hash: string): void {
  if (location.hash === hash) return;
  location.hash = hash;
}

/** The current location, re-rendering on every hash change. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = (): void => setLoc(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return loc;
}

/** A `next` path to return to after sign-in: one of ours (`/x…`, not `//host`), else the home page. */
export function safeNext(next: string | null | undefined, home = '/sessions'): string {
  return next && /^\/[A-Za-z0-9]/.test(next) && !next.startsWith('/signin') ? next : home;
}
