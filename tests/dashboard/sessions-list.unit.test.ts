import { describe, expect, it } from 'vitest';
import { formatExpiry } from '../../functions/dashboard/client/expiry.ts';
import {
  applyStatus,
  filterSessions,
  statusFromEvent,
} from '../../functions/dashboard/client/sessions-list/filter.ts';
import type { SessionView } from '../../functions/dashboard/client/sessions-list/session-types.ts';

const session = (id: string, name: string | undefined, status: string): SessionView => ({
  id,
  tenantId: 't',
  ...(name !== undefined && { name }),
  status,
  desired: 'STOPPED',
  qrAvailable: false,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const ROWS = [
  session('ses_a', 'Support-Line', 'QR'),
  session('ses_b', 'sales', 'CONNECTED'),
  session('ses_c', undefined, 'QR'),
];

describe('sessions list filter and search', () => {
  it('searches names case-insensitively, and ids for unnamed sessions', () => {
    expect(filterSessions(ROWS, 'support', undefined).map((s) => s.id)).toEqual(['ses_a']);
    expect(filterSessions(ROWS, '  SALES ', undefined).map((s) => s.id)).toEqual(['ses_b']);
    expect(filterSessions(ROWS, 'ses_c', undefined).map((s) => s.id)).toEqual(['ses_c']);
    expect(filterSessions(ROWS, '', undefined)).toHaveLength(3);
  });

  it('filters by status, together with the search', () => {
    expect(filterSessions(ROWS, '', 'QR').map((s) => s.id)).toEqual(['ses_a', 'ses_c']);
    expect(filterSessions(ROWS, 'line', 'CONNECTED')).toEqual([]);
  });
});

describe('live status of a row', () => {
  it('reads the status from session:status, a logout and a link', () => {
    const reason = { code: 'CONNECTION_LOST', message: 'dropped', action: 'wait' };
    expect(statusFromEvent('session:status', { status: 'DISCONNECTED', reason })).toEqual({
      status: 'DISCONNECTED',
      reason,
    });
    expect(statusFromEvent('session:logged-out', { reason: 'x' })).toEqual({ status: 'LOGGED_OUT' });
    expect(statusFromEvent('session:connected', { me: {} })).toEqual({ status: 'CONNECTED' });
    expect(statusFromEvent('session:message', { text: 'QR' })).toBeUndefined();
    expect(statusFromEvent('session:status', { status: 7 })).toBeUndefined();
  });

  it('applies a status to its row only, clearing a reason that no longer holds', () => {
    const withReason = [
      { ...ROWS[0], statusReason: { code: 'C', message: 'm', action: 'a' } } as SessionView,
      ROWS[1] as SessionView,
    ];
    const next = applyStatus(withReason, 'ses_a', 'CONNECTED', undefined);
    expect(next[0]).toMatchObject({ id: 'ses_a', status: 'CONNECTED' });
    expect(next[0]?.statusReason).toBeUndefined();
    expect(next[1]).toBe(withReason[1]);
  });
});

describe('token expiry in the header', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const exp = (seconds: number) => now / 1000 + seconds;
  it('counts down in words, and says expired at and after exp', () => {
    expect(formatExpiry(exp(12 * 3600 - 60), now)).toBe('expires in 11 h 59 min');
    expect(formatExpiry(exp(125), now)).toBe('expires in 2 min');
    expect(formatExpiry(exp(30), now)).toBe('expires in 30 s');
    expect(formatExpiry(exp(5 * 86400), now)).toBe('expires in 5 days');
    expect(formatExpiry(exp(0), now)).toBe('expired');
    expect(formatExpiry(exp(-10), now)).toBe('expired');
  });
});
