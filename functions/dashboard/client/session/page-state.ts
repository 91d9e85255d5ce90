import {
  EMPTY_LIVE_STREAM,
  type LiveStreamState,
  pauseLiveStream,
  receiveLiveEvent,
  resumeLiveStream,
} from './live-stream-state.ts';
import { applyStatusEvent, type TrackedMessage, trackSent } from './message-statuses.ts';
import type { Me, Session, SessionEvent, SessionStatus, StatusReason } from './types.ts';

/** The QR on screen: which one (its own sequence) and until when it can be scanned. */
export interface QrShown {
  readonly seq: number;
  readonly expiresAt: string;
}

export interface SessionPageState {
  readonly session: Session | undefined;
  readonly qr: QrShown | undefined;
  readonly stream: LiveStreamState;
  readonly messages: readonly TrackedMessage[];
}

export const INITIAL_PAGE_STATE: SessionPageState = {
  session: undefined,
  qr: undefined,
  stream: EMPTY_LIVE_STREAM,
  messages: [],
};

export type PageAction =
  | { type: 'loaded'; session: Session }
  /** An action's answer: it sets `desired`; the status it carries may be older than the live one. */
  | { type: 'acted'; session: Session }
  | { type: 'event'; event: SessionEvent }
  | { type: 'qr'; qr: QrShown }
  | { type: 'sent'; message: { id: string; to: string; summary: string; status: string } }
  | { type: 'pause' }
  | { type: 'resume' };

function withStatus(session: Session | undefined, status: SessionStatus, extra: Partial<Session> = {}) {
  if (!session) return session;
  const { statusReason: _dropped, ...rest } = session;
  return { ...rest, status, ...extra };
}

/** What an event changes in the session's header and QR panel. */
function applyToSession(state: SessionPageState, event: SessionEvent): SessionPageState {
  const data = event.data;
  switch (event.type) {
    case 'session:status': {
      const status = data.status as SessionStatus;
      const reason = data.reason as StatusReason | undefined;
      const me = data.me as Me | undefined;
      return {
        ...state,
        session: withStatus(state.session, status, {
          ...(reason && { statusReason: reason }),
          ...(me && { me }),
          qrAvailable: status === 'QR' && state.qr !== undefined,
        }),
        qr: status === 'QR' || status === 'STARTING' ? state.qr : undefined,
      };
    }
    case 'session:connected': {
      const me = data.me as Me | undefined;
      return {
        ...state,
        session: withStatus(state.session, 'CONNECTED', { ...(me && { me }), qrAvailable: false }),
        qr: undefined,
      };
    }
    case 'session:logged-out':
      return {
        ...state,
        session: withStatus(state.session, 'LOGGED_OUT', { qrAvailable: false }),
        qr: undefined,
      };
    case 'qr': {
      const seq = data.qrSeq as number;
      if (state.qr && state.qr.seq >= seq) return state;
      return { ...state, qr: { seq, expiresAt: data.expiresAt as string } };
    }
    default:
      return state;
  }
}

export function sessionPageReducer(state: SessionPageState, action: PageAction): SessionPageState {
  switch (action.type) {
    case 'loaded':
      return { ...state, session: action.session };
    case 'acted':
      return state.session
        ? { ...state, session: { ...state.session, desired: action.session.desired } }
        : { ...state, session: action.session };
    case 'qr':
      return state.qr && state.qr.seq >= action.qr.seq ? state : { ...state, qr: action.qr };
    case 'sent':
      return { ...state, messages: trackSent(state.messages, action.message) };
    case 'pause':
      return { ...state, stream: pauseLiveStream(state.stream) };
    case 'resume':
      return { ...state, stream: resumeLiveStream(state.stream) };
    case 'event': {
      const next = applyToSession(state, action.event);
      // A snapshot repeats the current state after a (re)subscribe; the stream shows only log events.
      if (action.event.snapshot) return next;
      return {
        ...next,
        stream: receiveLiveEvent(next.stream, action.event),
        messages: applyStatusEvent(next.messages, action.event),
      };
    }
  }
}
