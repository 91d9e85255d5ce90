import { networkFailureOf, unreachableReason } from './network-failure.ts';
import type { StatusReason } from './session-status.ts';

/**
 * What a session host does when WhatsApp closes a session's socket, by the
 * status code Baileys reports in `lastDisconnect`. Pure: the caller supplies
 * the count of consecutive failed attempts and the randomness for jitter.
 *
 * | code | meaning                    | decision                                        |
 * |------|----------------------------|-------------------------------------------------|
 * | 515  | restart required (pairing) | reconnect at once with the same creds            |
 * | 428  | connection closed          | reconnect, exponential backoff with jitter      |
 * | 408  | timed out / lost           | same; while showing a QR: refs ran out → STOPPED |
 * | 408 with a network error (DNS, refused…) | WhatsApp unreachable | backoff, WHATSAPP_UNREACHABLE |
 * | 503  | service unavailable        | reconnect, exponential backoff with jitter      |
 * | 440  | replaced by another client | STOPPED, never reconnect (no 440 loop)          |
 * | 401  | logged out                 | LOGGED_OUT, wipe auth state                     |
 * | 403  | forbidden                  | LOGGED_OUT, wipe auth state                     |
 * | 500  | bad session                | bounded retries, then FAILED                    |
 * | 411  | multi-device mismatch      | FAILED                                          |
 * | else | unknown                    | backoff like 428                                |
 * Any code past the cap on consecutive restarts → FAILED.
 */
export type DisconnectDecision =
  | { readonly action: 'reconnect'; readonly delayMs: number; readonly reason: StatusReason }
  | { readonly action: 'stop'; readonly reason: StatusReason }
  | { readonly action: 'logged-out'; readonly reason: StatusReason }
  | { readonly action: 'fail'; readonly reason: StatusReason };

export interface DisconnectInput {
  readonly statusCode: number | undefined;
  /** Consecutive closes without reaching `open` in between, including this one (1 = first). */
  readonly attempt: number;
  /** True when the socket was showing a QR (no linked device yet). */
  readonly awaitingScan: boolean;
  /** 0 <= r < 1. */
  readonly random: number;
  /** The socket's Node error code (`ENOTFOUND`, `ECONNREFUSED`…), when it never reached WhatsApp. */
  readonly errorCode?: unknown;
}

export interface DisconnectPolicyConfig {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxConsecutiveRestarts: number;
  readonly badSessionRetries: number;
}

export const DEFAULT_DISCONNECT_POLICY: DisconnectPolicyConfig = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxConsecutiveRestarts: 10,
  badSessionRetries: 3,
};

export const REASONS = {
  restartRequired: {
    code: 'RESTART_REQUIRED',
    message: 'WhatsApp asked for a reconnect (normal right after linking)',
    action: 'none: reconnecting now',
  },
  connectionLost: {
    code: 'CONNECTION_LOST',
    message: 'the connection to WhatsApp dropped',
    action: 'none: reconnecting with backoff',
  },
  unavailable: {
    code: 'WHATSAPP_UNAVAILABLE',
    message: 'WhatsApp answered that the service is unavailable',
    action: 'none: reconnecting with backoff',
  },
  qrExpired: {
    code: 'QR_EXPIRED',
    message: 'no phone scanned the QR before WhatsApp stopped issuing new ones',
    action: 'start the session again to get a new QR',
  },
  replaced: {
    code: 'CONNECTION_REPLACED',
    message: 'another client connected with this session’s credentials and replaced it',
    action: 'make sure only zapfleet runs this session, then start it again',
  },
  loggedOut: {
    code: 'LOGGED_OUT',
    message: 'the device was unlinked (from the phone or by WhatsApp); its auth state was wiped',
    action: 'start the session and link the phone again',
  },
  badSession: {
    code: 'BAD_SESSION',
    message: 'WhatsApp rejected the session state repeatedly',
    action: 'log the session out and link the phone again',
  },
  multideviceMismatch: {
    code: 'MULTIDEVICE_MISMATCH',
    message: 'WhatsApp reported a multi-device mismatch',
    action: 'log the session out and link the phone again',
  },
  tooManyRestarts: {
    code: 'TOO_MANY_RESTARTS',
    message: 'the session kept disconnecting and zapfleet stopped retrying',
    action: 'check the host’s network and WhatsApp status, then start the session again',
  },
} as const satisfies Record<string, StatusReason>;

export function backoffDelay(attempt: number, random: number, config: DisconnectPolicyConfig): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Equal jitter: at least half the ceiling, so retries spread without collapsing to zero.
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

export function decideOnDisconnect(
  input: DisconnectInput,
  config: DisconnectPolicyConfig = DEFAULT_DISCONNECT_POLICY,
): DisconnectDecision {
  const { statusCode, attempt } = input;
  if (statusCode === 401 || statusCode === 403) return { action: 'logged-out', reason: REASONS.loggedOut };
  if (statusCode === 440) return { action: 'stop', reason: REASONS.replaced };
  if (statusCode === 411) return { action: 'fail', reason: REASONS.multideviceMismatch };
  // Checked before the QR rule: a QR that could not be fetched did not expire.
  const network = networkFailureOf(input.errorCode);
  if (network && statusCode === 408) {
    if (attempt > config.maxConsecutiveRestarts) return { action: 'fail', reason: REASONS.tooManyRestarts };
    const reason = unreachableReason(network);
    return { action: 'reconnect', delayMs: backoffDelay(attempt, input.random, config), reason };
  }
  if (statusCode === 408 && input.awaitingScan) return { action: 'stop', reason: REASONS.qrExpired };
  if (attempt > config.maxConsecutiveRestarts) return { action: 'fail', reason: REASONS.tooManyRestarts };
  if (statusCode === 515) return { action: 'reconnect', delayMs: 0, reason: REASONS.restartRequired };
  if (statusCode === 500) {
    if (attempt > config.badSessionRetries) return { action: 'fail', reason: REASONS.badSession };
    return {
      action: 'reconnect',
      delayMs: backoffDelay(attempt, input.random, config),
      reason: REASONS.badSession,
    };
  }
  const reason = statusCode === 503 ? REASONS.unavailable : REASONS.connectionLost;
  return { action: 'reconnect', delayMs: backoffDelay(attempt, input.random, config), reason };
}
