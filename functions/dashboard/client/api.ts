/**
 * The REST API, same origin: `api('GET', '/v1/sessions')`. Sends the bearer
 * token, answers parsed JSON, throws ApiError with the API's stable error
 * code and message. A 401 signs the user out.
 */
import { currentAuth, EXPIRED_MESSAGE, signOut } from './auth.ts';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, from `Retry-After` (429, 503). */
    readonly retryAfter?: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly details?: unknown };
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    body.error?.code ?? `HTTP_${res.status}`,
    body.error?.message ?? (res.statusText || `request failed with ${res.status}`),
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
    body.error?.details,
  );
}

/** The raw response of an authenticated request (for images and redirects); throws ApiError on 4xx/5xx. */
export async function apiFetch(method: string, path: string, init: RequestInit = {}): Promise<Response> {
  const auth = currentAuth();
  if (!auth) throw new ApiError(401, 'UNAUTHENTICATED', EXPIRED_MESSAGE);
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${auth.token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, method, headers, credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The API could not be reached. Is zapfleet running?');
  }
  if (res.status === 401) {
    signOut(EXPIRED_MESSAGE);
    throw await errorOf(res);
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

/**
 * Asks the API whether it accepts `token` before the dashboard keeps it
 * (a token is signed in only once this passes, so a refused one is never stored).
 */
export async function verifyToken(token: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/v1/sessions?limit=1', {
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The API could not be reached. Is zapfleet running?');
  }
  if (!res.ok) throw await errorOf(res);
}

/** A JSON request; resolves with the parsed body (undefined for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = {};
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await apiFetch(method, path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** `?a=1&b=2` from the defined entries (empty when none). */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
