import { describe, expect, it } from 'vitest';
import {
  canSendMessages,
  isQrCurrent,
  SESSION_STATUSES,
  type SessionEvent,
  type SessionStatus,
  type StatusReason,
  transition,
} from '#commons/domain/session-status.ts';
import { IllegalTransitionError, statusPatch } from '#commons/domain/status-patch.ts';

const reason: StatusReason = { code: 'CONNECTION_LOST', message: 'lost', action: 'wait' };
const EVENTS: Record<SessionEvent['type'], SessionEvent> = {
  HOST_STARTED: { type: 'HOST_STARTED' },
  QR_ISSUED: { type: 'QR_ISSUED' },
  CONNECTED: { type: 'CONNECTED' },
  DISCONNECTED: { type: 'DISCONNECTED', reason },
  LOGGED_OUT: { type: 'LOGGED_OUT', reason },
  FAILED: { type: 'FAILED', reason },
  STOPPED: { type: 'STOPPED' },
};

/** from → event → expected status, or null when the move is illegal. Every pair is listed. */
const TABLE: Record<SessionStatus, Record<SessionEvent['type'], SessionStatus | null>> = {
  STOPPED: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: null,
    CONNECTED: null,
    DISCONNECTED: null,
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'STOPPED',
  },
  STARTING: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: 'QR',
    CONNECTED: 'CONNECTED',
    DISCONNECTED: 'DISCONNECTED',
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'STOPPED',
  },
  QR: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: 'QR',
    CONNECTED: 'CONNECTED',
    DISCONNECTED: 'DISCONNECTED',
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'STOPPED',
  },
  CONNECTED: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: null,
    CONNECTED: 'CONNECTED',
    DISCONNECTED: 'DISCONNECTED',
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'STOPPED',
  },
  DISCONNECTED: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: 'QR',
    CONNECTED: 'CONNECTED',
    DISCONNECTED: 'DISCONNECTED',
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'STOPPED',
  },
  LOGGED_OUT: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: null,
    CONNECTED: null,
    DISCONNECTED: null,
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'LOGGED_OUT',
  },
  FAILED: {
    HOST_STARTED: 'STARTING',
    QR_ISSUED: null,
    CONNECTED: null,
    DISCONNECTED: null,
    LOGGED_OUT: 'LOGGED_OUT',
    FAILED: 'FAILED',
    STOPPED: 'STOPPED',
  },
};

const cases = SESSION_STATUSES.flatMap((from) =>
  (Object.keys(EVENTS) as SessionEvent['type'][]).map((event) => ({
    from,
    event,
    expected: TABLE[from][event],
  })),
);

describe('session status transitions', () => {
  it.each(cases)('$from + $event → $expected', ({ from, event, expected }) => {
    const result = transition({ status: from }, EVENTS[event]);
    if (expected === null) {
      expect(result).toEqual({ ok: false, from, event });
    } else {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.state.status).toBe(expected);
    }
  });

  it('carries the reason of a disconnect, a failure and a logout', () => {
    for (const type of ['DISCONNECTED', 'FAILED', 'LOGGED_OUT'] as const) {
      const result = transition({ status: 'CONNECTED' }, EVENTS[type]);
      expect(result.ok && result.state.statusReason).toEqual(reason);
    }
  });

  it('keeps the reason a host stops a session for (replaced, QR expired)', () => {
    const result = transition({ status: 'QR' }, { type: 'STOPPED', reason });
    expect(result.ok && result.state).toEqual({ status: 'STOPPED', statusReason: reason });
  });

  it('drops the previous reason once the session connects again', () => {
    const result = transition({ status: 'DISCONNECTED', statusReason: reason }, EVENTS.CONNECTED);
    expect(result.ok && result.state.statusReason).toBeUndefined();
  });

  it('lets only a connected session send', () => {
    expect(SESSION_STATUSES.filter(canSendMessages)).toEqual(['CONNECTED']);
  });
});

describe('the current QR', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  const qr = (expiresAt: string) => ({ value: 'v', seq: 1, expiresAt });
  it.each([
    { status: 'QR' as const, expiresAt: '2026-01-01T00:00:20.000Z', current: true },
    { status: 'QR' as const, expiresAt: '2026-01-01T00:00:00.000Z', current: false },
    { status: 'QR' as const, expiresAt: '2025-12-31T23:59:00.000Z', current: false },
    { status: 'CONNECTED' as const, expiresAt: '2026-01-01T00:00:20.000Z', current: false },
  ])('is shown when status $status and expiry $expiresAt: $current', ({ status, expiresAt, current }) => {
    expect(isQrCurrent({ status, qr: qr(expiresAt) }, now)).toBe(current);
  });

  it('is not shown when the record has none', () => {
    expect(isQrCurrent({ status: 'QR' }, now)).toBe(false);
  });
});

describe('status writes through the model', () => {
  it.each([
    { from: 'STOPPED' as const, event: { type: 'HOST_STARTED' } as const, status: 'STARTING', reason: null },
    {
      from: 'DISCONNECTED' as const,
      event: { type: 'CONNECTED' } as const,
      status: 'CONNECTED',
      reason: null,
    },
    { from: 'STARTING' as const, event: { type: 'QR_ISSUED' } as const, status: 'QR', reason: undefined },
    {
      from: 'CONNECTED' as const,
      event: { type: 'DISCONNECTED', reason } as const,
      status: 'DISCONNECTED',
      reason,
    },
    { from: 'CONNECTED' as const, event: { type: 'STOPPED' } as const, status: 'STOPPED', reason: undefined },
    {
      from: 'LOGGED_OUT' as const,
      event: { type: 'STOPPED' } as const,
      status: 'LOGGED_OUT',
      reason: undefined,
    },
  ])('$from + $event.type writes $status', ({ from, event, status, reason: expected }) => {
    const { patch } = statusPatch({ status: from }, event, { qr: null });
    expect(patch.status).toBe(status);
    expect(patch.statusReason).toEqual(expected);
    expect(patch.qr).toBeNull();
  });

  it('refuses a move the model does not accept', () => {
    expect(() => statusPatch({ status: 'STOPPED' }, { type: 'CONNECTED' })).toThrow(IllegalTransitionError);
  });
});
