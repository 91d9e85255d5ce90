import {
  DEFAULT_DISCONNECT_POLICY,
  type DisconnectDecision,
  type DisconnectInput,
  type DisconnectPolicyConfig,
  decideOnDisconnect,
} from './disconnect-policy.ts';
import type { SessionEvent } from './session-status.ts';

/** What Baileys reported on a session's socket (`connection.update`). */
export type ConnectionUpdate =
  | { readonly kind: 'qr' }
  | { readonly kind: 'open' }
  | ({ readonly kind: 'close' } & DisconnectInput);

/**
 * What the host does about a connection update: the status event it applies
 * through `transition()`, and whether it reconnects, gives up (desired
 * STOPPED so nothing restarts it in a loop) or wipes the auth state.
 */
export interface ConnectionOutcome {
  /** Undefined: no status change is recorded (515 right after linking reconnects at once). */
  readonly event: SessionEvent | undefined;
  readonly reconnectInMs?: number;
  readonly giveUp: boolean;
  readonly wipe: boolean;
  /** Set for a close: the policy's decision, for logs and events. */
  readonly disconnect?: DisconnectDecision;
}

const RESTART_REQUIRED = 515;

/** Which status a Baileys connection event leads to. Pure. */
export function connectionOutcome(
  update: ConnectionUpdate,
  policy: DisconnectPolicyConfig = DEFAULT_DISCONNECT_POLICY,
): ConnectionOutcome {
  if (update.kind === 'qr') return { event: { type: 'QR_ISSUED' }, giveUp: false, wipe: false };
  if (update.kind === 'open') return { event: { type: 'CONNECTED' }, giveUp: false, wipe: false };
  const disconnect = decideOnDisconnect(update, policy);
  const { reason } = disconnect;
  switch (disconnect.action) {
    case 'reconnect':
      return {
        event: update.statusCode === RESTART_REQUIRED ? undefined : { type: 'DISCONNECTED', reason },
        reconnectInMs: disconnect.delayMs,
        giveUp: false,
        wipe: false,
        disconnect,
      };
    case 'logged-out':
      return { event: { type: 'LOGGED_OUT', reason }, giveUp: true, wipe: true, disconnect };
    case 'stop':
      return { event: { type: 'STOPPED', reason }, giveUp: true, wipe: false, disconnect };
    case 'fail':
      return { event: { type: 'FAILED', reason }, giveUp: true, wipe: false, disconnect };
  }
}
