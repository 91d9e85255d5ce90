import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, verifyToken } from '../api.ts';
import { decodeUsable, lastSignOutReason, SignInError, signIn } from '../auth.ts';
import { navigate, safeNext } from '../router.ts';
import type { PageProps } from '../routes.ts';
import { Button } from '../ui/button.tsx';
import { exchangeSignInCode } from './signin-code.ts';

/** Checks the claims here, then asks the API; only an accepted token is kept. */
async function verify(token: string): Promise<void> {
  decodeUsable(token);
  try {
    await verifyToken(token.trim());
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403))
      throw new SignInError(`The API refused this token (${err.code}: ${err.message}).`);
    throw err;
  }
  signIn(token);
}

/** Paste a token, or arrive with a one-time `?code=` from `npm run demo`'s link. */
export default function SignInPage({ query }: PageProps) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [notice] = useState(() => lastSignOutReason());
  const started = useRef(false);
  const code = query.get('code');
  const next = query.get('next');

  useEffect(() => {
    if (!code || started.current) return;
    started.current = true;
    // The code leaves the address bar and the history before anything else happens.
    history.replaceState(null, '', `${location.pathname}#/signin`);
    setBusy(true);
    exchangeSignInCode(code)
      .then(verify)
      .then(() => navigate(`#${safeNext(next)}`))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
      .finally(() => setBusy(false));
  }, [code]);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await verify(token);
      setToken('');
      navigate(`#${safeNext(next)}`);
    } catch (err) {
      setError(
        err instanceof SignInError || err instanceof Error ? err.message : 'The token could not be used.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="signin">
      <h1>Sign in</h1>
      {notice && !error && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error-banner" role="alert">
          {error}
        </p>
      )}
      <form onSubmit={submit}>
        <label for="token">API token (JWT)</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
          aria-describedby="token-help"
          required
        />
        <p id="token-help" class="help">
          Locally: <code>npm run -s token -- --tenant acme --role ADMIN --ttl 1h</code>, or open the sign-in
          link <code>npm run demo</code> prints. The token stays in this tab only (sessionStorage) and is
          forgotten when the tab closes.
        </p>
        <Button type="submit" variant="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </section>
  );
}
