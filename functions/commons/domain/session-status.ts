/**
 * The session status model. The API writes the desired state (RUNNING or
 * STOPPED); the owning session host reports the actual status through these
 * transitions.
 *
 * | status        | meaning                                                         |
 * |---------------|-----------------------------------------------------------------|
 * | STOPPED       | not running; auth state (if linked before) kept                 |
 * | STARTING      | a host claimed it and is opening the WhatsApp connection        |
 * | QR            | waiting for a phone to scan the QR (or type a pairing code)     |
 * | CONNECTED     | linked and online; messages can be sent                         |
 * | DISCONNECTED  | connection lost, the host reconnects per `statusReason`         |
 * | LOGGED_OUT    | device unlinked, auth state wiped; a start shows a new QR       |
 * | FAILED        | gave up (`statusReason` says why and what to do)                |
 */
export const SESSION_STATUSES = [
  'STOPPED',
  'STARTING',
  'QR',
  'CONNECTED',
  'DISCONNECTED',
  'LOGGED_OUT',
  'FAILED',
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const DESIRED_STATES = ['RUNNING', 'STOPPED'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export interface StatusReason {
  /** Stable machine code, e.g. `CONNECTION_REPLACED`, `LOGGED_OUT`. */
  readonly code: string;
  readonly message: string;
  /** What the user should do about it. */
  readonly action: string;
}

export interface SessionState {
  readonly status: SessionStatus;
  readonly statusReason?: StatusReason | undefined;
}

export type SessionEvent =
  | { readonly type: 'HOST_STARTED' }
  | { readonly type: 'QR_ISSUED' }
  | { readonly type: 'CONNECTED' }
  | { readonly type: 'DISCONNECTED'; readonly reason: StatusReason }
  | { readonly type: 'LOGGED_OUT'; readonly reason: StatusReason }
  | { readonly type: 'FAILED'; readonly reason: StatusReason }
  | { readonly type: 'STOPPED'; readonly reason?: StatusReason | undefined };

export type TransitionResult =
  | { readonly ok: true; readonly state: SessionState }
  | { readonly ok: false; readonly from: SessionStatus; readonly event: SessionEvent['type'] };

const RUNNING: readonly SessionStatus[] = ['STARTING', 'QR', 'CONNECTED', 'DISCONNECTED'];

/** Statuses from which each event is accepted. */
const ACCEPTS: Readonly<Record<SessionEvent['type'], readonly SessionStatus[]>> = {
  // A host claiming a session starts it whatever the record says: a QR or
  // CONNECTED status there is the last word of a host that died.
  HOST_STARTED: SESSION_STATUSES,
  // A reconnect of a session never linked shows a new QR after DISCONNECTED.
  QR_ISSUED: ['STARTING', 'QR', 'DISCONNECTED'],
  CONNECTED: ['STARTING', 'QR', 'CONNECTED', 'DISCONNECTED'],
  DISCONNECTED: RUNNING,
  LOGGED_OUT: [...RUNNING, 'STOPPED', 'LOGGED_OUT', 'FAILED'],
  // Also before STARTING was written: an auth state that cannot be read fails the session at claim.
  FAILED: SESSION_STATUSES,
  STOPPED: [...RUNNING, 'STOPPED', 'FAILED', 'LOGGED_OUT'],
};

/** The next state after `event`, or a refusal naming the illegal move. Pure. */
export function transition(current: SessionState, event: SessionEvent): TransitionResult {
  if (!ACCEPTS[event.type].includes(current.status)) {
    return { ok: false, from: current.status, event: event.type };
  }
  switch (event.type) {
    case 'HOST_STARTED':
      return ok({ status: 'STARTING' });
    case 'QR_ISSUED':
      return ok({ status: 'QR' });
    case 'CONNECTED':
      return ok({ status: 'CONNECTED' });
    case 'DISCONNECTED':
      return ok({ status: 'DISCONNECTED', statusReason: event.reason });
    case 'LOGGED_OUT':
      return ok({ status: 'LOGGED_OUT', statusReason: event.reason });
    case 'FAILED':
      return ok({ status: 'FAILED', statusReason: event.reason });
    case 'STOPPED':
      // An unlinked device stays visibly unlinked: stopping does not hide that a new QR is needed.
      if (current.status === 'LOGGED_OUT') return ok(current);
      return ok(event.reason ? { status: 'STOPPED', statusReason: event.reason } : { status: 'STOPPED' });
  }
}

function ok(state: SessionState): TransitionResult {
  return { ok: true, state };
}

/** Only a connected session can send; everything else answers SESSION_NOT_CONNECTED. */
export function canSendMessages(status: SessionStatus): boolean {
  return status === 'CONNECTED';
}

/** A QR is shown only while the session waits for a scan and the code has not expired. */
export function isQrCurrent(
  state: { status: SessionStatus; qr?: { expiresAt: string } | undefined },
  now: Date,
): boolean {
  return state.status === 'QR' && state.qr !== undefined && Date.parse(state.qr.expiresAt) > now.getTime();
}

export const LOGGED_OUT_BY_REQUEST: StatusReason = {
  code: 'LOGGED_OUT_BY_REQUEST',
  message: 'the session was logged out through the API and its auth state wiped',
  action: 'start the session and link a phone again (QR or pairing code)',
};
