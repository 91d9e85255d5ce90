/**
 * A rate as GCRA (the generic cell rate algorithm, an exact token bucket
 * kept as one number): the "theoretical arrival time" `tat` in ms. A request
 * at `now` passes while `tat - now` stays within the burst allowance, and
 * moves `tat` forward by one emission interval. Pure; the DynamoDB adapter
 * applies it with conditional writes.
 */
export interface Rate {
  /** Sustained requests per second. */
  readonly perSecond: number;
  /** Requests allowed at once after idling. */
  readonly burst: number;
}

/**
 * Per-tenant default for the REST API and, separately, the WebSocket actions:
 * well above an interactive dashboard's needs, low enough that one tenant's
 * runaway loop cannot take the reserved concurrency from the rest.
 */
export const DEFAULT_TENANT_RATE: Rate = { perSecond: 20, burst: 40 };

export function emissionIntervalMs(rate: Rate): number {
  return 1000 / rate.perSecond;
}

/** The latest `tat` at which one more request may still pass at `now`. */
export function maxTatBefore(rate: Rate, nowMs: number): number {
  return nowMs + (rate.burst - 1) * emissionIntervalMs(rate);
}

/** Seconds until a request refused at `now` would pass, never below 1 (Retry-After is whole seconds). */
export function retryAfterSeconds(rate: Rate, tat: number, nowMs: number): number {
  return Math.max(1, Math.ceil((tat - maxTatBefore(rate, nowMs)) / 1000));
}

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Takes one request from a named per-tenant rate, shared by every instance. */
export interface RateLimiter {
  take(tenantId: string, bucket: string, rate: Rate): Promise<RateDecision>;
}

/** Counts in fixed windows: at most `limit` per `windowSeconds` per key. */
export interface WindowCounter {
  takeInWindow(tenantId: string, name: string, limit: number, windowSeconds: number): Promise<RateDecision>;
}
