/**
 * The signed-in token: kept in memory and in sessionStorage (so a reload of
 * the tab keeps it; closing the tab forgets it). Never localStorage, never a
 * URL, never a log line.
 */
import { dashboardConfig } from './config.ts';

export interface Claims {
  readonly tenant: string;
  readonly role: string;
  /** Expiry, in seconds since the epoch. */
  readonly exp: number;
  readonly sub?: string;
}

export interface Auth {
  readonly token: string;
  readonly claims: Claims;
}

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

export const EXPIRED_MESSAGE = 'Your token expired or was refused — sign in again.';

const STORAGE_KEY = 'zapfleet.token';

let current: Auth | undefined;
let signOutReason: string | undefined;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<(auth: Auth | undefined) => void>();

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Reads the claims the dashboard needs; the API, not this, decides whether the token is good. */
export function decodeClaims(token: string): Claims {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) throw new SignInError('That is not a token: a JWT has three parts.');
  let payload: Record<string, unknown>;
  try {
    payload = decodeSegment(parts[1]) as Record<string, unknown>;
  } catch {
    throw new SignInError('That is not a token: its payload could not be read.');
  }
  const { tenantClaim, roleClaim } = dashboardConfig();
  const tenant = payload[tenantClaim];
  const role = payload[roleClaim];
  const exp = payload.exp;
  if (typeof exp !== 'number') throw new SignInError('The token has no expiry (exp).');
  if (typeof tenant !== 'string' || typeof role !== 'string')
    throw new SignInError(`The token does not name a tenant (${tenantClaim}) and a role (${roleClaim}).`);
  return { tenant, role, exp, ...(typeof payload.sub === 'string' && { sub: payload.sub }) };
}

const nowSeconds = (): number => Date.now() / 1000;

function notify(): void {
  for (const listener of listeners) listener(current);
}

function armExpiry(claims: Claims): void {
  if (expiryTimer) clearTimeout(expiryTimer);
  // setTimeout overflows past ~24.8 days; such a token is re-checked then.
  const ms = Math.min(Math.max(0, claims.exp * 1000 - Date.now()), 2 ** 31 - 1);
  expiryTimer = setTimeout(() => {
    if (current && current.claims.exp <= nowSeconds()) signOut(EXPIRED_MESSAGE);
    else if (current) armExpiry(current.claims);
  }, ms);
}

/** The claims of a token that has not expired (throws SignInError otherwise). */
export function decodeUsable(token: string): Claims {
  const claims = decodeClaims(token.trim());
  if (claims.exp <= nowSeconds())
    throw new SignInError('This token has expired. Mint a new one and sign in again.');
  return claims;
}

/** Signs in with `token` (throws SignInError when it cannot be used). */
export function signIn(token: string): Auth {
  const trimmed = token.trim();
  const claims = decodeUsable(trimmed);
  current = { token: trimmed, claims };
  signOutReason = undefined;
  try {
    sessionStorage.setItem(STORAGE_KEY, trimmed);
  } catch {
    // Storage disabled: the token stays in memory for this page's life.
  }
  armExpiry(claims);
  notify();
  return current;
}

/** Forgets the token; `reason` is shown on the sign-in page. */
export function signOut(reason?: string): void {
  const was = current;
  current = undefined;
  signOutReason = reason;
  if (expiryTimer) clearTimeout(expiryTimer);
  expiryTimer = undefined;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  if (was || reason) notify();
}

/** The signed-in token and its claims, restoring one from sessionStorage on first use. */
export function currentAuth(): Auth | undefined {
  if (current) {
    if (current.claims.exp <= nowSeconds()) signOut(EXPIRED_MESSAGE);
    return current;
  }
  let stored: string | null = null;
  try {
    stored = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return undefined;
  }
  if (!stored) return undefined;
  try {
    return signIn(stored);
  } catch {
    signOut(EXPIRED_MESSAGE);
    return undefined;
  }
}

/** Why the user was last signed out (expired token, refused token), if they were. */
export function lastSignOutReason(): string | undefined {
  return signOutReason;
}

export function onAuthChange(listener: (auth: Auth | undefined) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const isMaster = (auth: Auth | undefined): boolean => auth?.claims.role === 'MASTER';
