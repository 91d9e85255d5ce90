/**
 * One-time sign-in codes for the local demo's link: a code stands for a token
 * for a few minutes and is gone once exchanged. Bounded: past MAX_OUTSTANDING
 * codes the oldest is forgotten.
 */
import { randomBytes } from 'node:crypto';

export const SIGNIN_CODE_TTL_MS = 5 * 60_000;
export const MAX_OUTSTANDING_CODES = 16;

export interface OneTimeCodes {
  /** A fresh code (43 url-safe characters, 256 bits) for `token`. */
  issue(token: string): string;
  /** The token, once: the code is deleted whether or not it was still valid. */
  redeem(code: string): string | undefined;
}

export function createOneTimeCodes(
  now: () => number = Date.now,
  ttlMs: number = SIGNIN_CODE_TTL_MS,
): OneTimeCodes {
  const codes = new Map<string, { token: string; expiresAt: number }>();
  return {
    issue(token) {
      const code = randomBytes(32).toString('base64url');
      codes.set(code, { token, expiresAt: now() + ttlMs });
      while (codes.size > MAX_OUTSTANDING_CODES) {
        const oldest = codes.keys().next().value;
        if (oldest === undefined) break;
        codes.delete(oldest);
      }
      return code;
    },
    redeem(code) {
      const entry = codes.get(code);
      codes.delete(code);
      return entry && entry.expiresAt > now() ? entry.token : undefined;
    },
  };
}
