/**
 * The demo's sign-in link carries a one-time code in the URL fragment (never
 * sent to a server, never in a Referer). It is exchanged once for the token at
 * a loopback-only endpoint; the server forgets it on use or after a few minutes.
 */
export const SIGNIN_CODE_PATH = '/dashboard/signin-code';

export async function exchangeSignInCode(code: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(SIGNIN_CODE_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      credentials: 'omit',
    });
  } catch {
    throw new Error('zapfleet could not be reached to use the sign-in link.');
  }
  if (!res.ok)
    throw new Error(
      'This sign-in link was already used or has expired. Paste a token instead (npm run -s token -- --tenant demo --role ADMIN).',
    );
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error('The sign-in link gave no token.');
  return body.token;
}
