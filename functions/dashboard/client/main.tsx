import './styles.css';
import { type ComponentType, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { query } from './api.ts';
import { matchPattern, navigate, safeNext, useLocation } from './router.ts';
import { HOME, type PageProps, ROUTES, type RouteDef } from './routes.ts';
import { Shell } from './shell.tsx';
import { ErrorBanner } from './ui/error-banner.tsx';
import { useAuth } from './use-auth.ts';

function resolve(path: string): { route: RouteDef; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** Loads a page's chunk, then renders it. */
function LazyPage({ route, props }: { readonly route: RouteDef; readonly props: PageProps }) {
  const [page, setPage] = useState<{ route: RouteDef; Component: ComponentType<PageProps> }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    route.load().then(
      (m) => live && setPage({ route, Component: m.default }),
      (err: unknown) => live && setError(err),
    );
    document.title = `${route.title} · zapfleet`;
    return () => {
      live = false;
    };
  }, [route]);
  if (error) return <ErrorBanner error={new Error('This page could not be loaded. Reload to try again.')} />;
  if (!page || page.route !== route) return <p class="loading">Loading…</p>;
  return <page.Component {...props} />;
}

function App() {
  const auth = useAuth();
  const loc = useLocation();
  const found = resolve(loc.path);
  const needsSignIn = !auth && !found?.route.public;
  useEffect(() => {
    if (!found) navigate(`#${auth ? HOME : '/signin'}`);
    // The page asked for comes back after sign-in (a path of ours only: never another site).
    else if (needsSignIn) navigate(`#/signin${query({ next: loc.path })}`);
    else if (auth && found.route.pattern === '/signin' && !loc.query.has('code'))
      navigate(`#${safeNext(loc.query.get('next'))}`);
  }, [auth, found, needsSignIn, loc]);
  if (!found || needsSignIn)
    return (
      <Shell auth={auth} path={loc.path}>
        {null}
      </Shell>
    );
  return (
    <Shell auth={auth} path={loc.path}>
      <LazyPage route={found.route} props={{ params: found.params, query: loc.query }} />
    </Shell>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
