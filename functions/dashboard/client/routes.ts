/**
 * The route table. Each page is its own lazily loaded chunk, so the initial
 * load (the 150 KB budget) holds only the shell. Add a page with one line.
 */
import type { ComponentType } from 'preact';

export interface PageProps {
  /** `:name` segments of the pattern. */
  readonly params: Readonly<Record<string, string>>;
  /** `?a=b` after the hash path. */
  readonly query: URLSearchParams;
}

export interface RouteDef {
  /** Hash path: `/sessions/:id`. */
  readonly pattern: string;
  /** The document title and the page heading's default. */
  readonly title: string;
  /** Shown in the navigation; `masterOnly` hides it from ADMIN tokens. */
  readonly nav?: { readonly label: string; readonly masterOnly?: boolean };
  /** Reachable without a token. */
  readonly public?: boolean;
  readonly load: () => Promise<{ default: ComponentType<PageProps> }>;
}

export const ROUTES: readonly RouteDef[] = [
  { pattern: '/signin', title: 'Sign in', public: true, load: () => import('./pages/signin.tsx') },
  {
    pattern: '/sessions',
    title: 'Sessions',
    nav: { label: 'Sessions' },
    load: () => import('./pages/sessions-list.tsx'),
  },
  { pattern: '/sessions/:id', title: 'Session', load: () => import('./pages/session-page.tsx') },
  {
    pattern: '/webhooks',
    title: 'Webhooks',
    nav: { label: 'Webhooks' },
    load: () => import('./pages/webhooks.tsx'),
  },
  {
    pattern: '/overview',
    title: 'Overview',
    nav: { label: 'Overview' },
    load: () => import('./pages/overview.tsx'),
  },
  {
    pattern: '/fleet',
    title: 'Fleet',
    nav: { label: 'Fleet', masterOnly: true },
    load: () => import('./pages/fleet.tsx'),
  },
];

/** Where `#/` and unknown paths lead. */
export const HOME = '/sessions';
