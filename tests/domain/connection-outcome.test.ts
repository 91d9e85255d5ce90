import { describe, expect, it } from 'vitest';
import { type ConnectionUpdate, connectionOutcome } from '#commons/domain/connection-outcome.ts';
import { REASONS } from '#commons/domain/disconnect-policy.ts';
import { type SessionStatus, transition } from '#commons/domain/session-status.ts';

const close = (statusCode: number | undefined, over: Partial<ConnectionUpdate> = {}): ConnectionUpdate => ({
  kind: 'close',
  statusCode,
  attempt: 1,
  awaitingScan: false,
  random: 0.5,
  ...over,
});

/** from status + Baileys update → resulting status (null: nothing written), and what else the host does. */
const cases: {
  name: string;
  from: SessionStatus;
  update: ConnectionUpdate;
  status: SessionStatus | null;
  reconnects: boolean;
  giveUp: boolean;
  wipe: boolean;
  reason?: string;
}[] = [
  {
    name: 'first QR',
    from: 'STARTING',
    update: { kind: 'qr' },
    status: 'QR',
    reconnects: false,
    giveUp: false,
    wipe: false,
  },
  {
    name: 'QR after a lost connection',
    from: 'DISCONNECTED',
    update: { kind: 'qr' },
    status: 'QR',
    reconnects: false,
    giveUp: false,
    wipe: false,
  },
  {
    name: 'scan accepted',
    from: 'QR',
    update: { kind: 'open' },
    status: 'CONNECTED',
    reconnects: false,
    giveUp: false,
    wipe: false,
  },
  {
    name: 'reconnected',
    from: 'DISCONNECTED',
    update: { kind: 'open' },
    status: 'CONNECTED',
    reconnects: false,
    giveUp: false,
    wipe: false,
  },
  {
    name: '515 after linking',
    from: 'QR',
    update: close(515),
    status: null,
    reconnects: true,
    giveUp: false,
    wipe: false,
  },
  {
    name: '428 lost',
    from: 'CONNECTED',
    update: close(428),
    status: 'DISCONNECTED',
    reconnects: true,
    giveUp: false,
    wipe: false,
    reason: 'CONNECTION_LOST',
  },
  {
    name: '503 unavailable',
    from: 'CONNECTED',
    update: close(503),
    status: 'DISCONNECTED',
    reconnects: true,
    giveUp: false,
    wipe: false,
    reason: 'WHATSAPP_UNAVAILABLE',
  },
  {
    name: '408 while connected',
    from: 'CONNECTED',
    update: close(408),
    status: 'DISCONNECTED',
    reconnects: true,
    giveUp: false,
    wipe: false,
    reason: 'CONNECTION_LOST',
  },
  {
    name: '408 while showing a QR',
    from: 'QR',
    update: close(408, { awaitingScan: true }),
    status: 'STOPPED',
    reconnects: false,
    giveUp: true,
    wipe: false,
    reason: 'QR_EXPIRED',
  },
  {
    name: '401 unlinked',
    from: 'CONNECTED',
    update: close(401),
    status: 'LOGGED_OUT',
    reconnects: false,
    giveUp: true,
    wipe: true,
    reason: 'LOGGED_OUT',
  },
  {
    name: '403 forbidden',
    from: 'CONNECTED',
    update: close(403),
    status: 'LOGGED_OUT',
    reconnects: false,
    giveUp: true,
    wipe: true,
    reason: 'LOGGED_OUT',
  },
  {
    name: '440 replaced',
    from: 'CONNECTED',
    update: close(440),
    status: 'STOPPED',
    reconnects: false,
    giveUp: true,
    wipe: false,
    reason: 'CONNECTION_REPLACED',
  },
  {
    name: '411 mismatch',
    from: 'CONNECTED',
    update: close(411),
    status: 'FAILED',
    reconnects: false,
    giveUp: true,
    wipe: false,
    reason: 'MULTIDEVICE_MISMATCH',
  },
  {
    name: '500 past its retries',
    from: 'DISCONNECTED',
    update: close(500, { attempt: 4 }),
    status: 'FAILED',
    reconnects: false,
    giveUp: true,
    wipe: false,
    reason: 'BAD_SESSION',
  },
  {
    name: 'too many restarts',
    from: 'DISCONNECTED',
    update: close(428, { attempt: 11 }),
    status: 'FAILED',
    reconnects: false,
    giveUp: true,
    wipe: false,
    reason: 'TOO_MANY_RESTARTS',
  },
];

describe('status a Baileys connection event leads to', () => {
  it.each(cases)('$from + $name → $status', ({ from, update, status, reconnects, giveUp, wipe, reason }) => {
    const outcome = connectionOutcome(update);
    expect(outcome.reconnectInMs !== undefined).toBe(reconnects);
    expect({ giveUp: outcome.giveUp, wipe: outcome.wipe }).toEqual({ giveUp, wipe });
    if (status === null) {
      expect(outcome.event).toBeUndefined();
      return;
    }
    if (!outcome.event) throw new Error('expected a status event');
    const next = transition({ status: from }, outcome.event);
    expect(next.ok && next.state.status).toBe(status);
    if (reason) expect(next.ok && next.state.statusReason?.code).toBe(reason);
  });

  it('reconnects at once on 515 and with backoff otherwise', () => {
    expect(connectionOutcome(close(515)).reconnectInMs).toBe(0);
    expect(connectionOutcome(close(428)).reconnectInMs).toBeGreaterThan(0);
    expect(connectionOutcome(close(428)).disconnect?.reason).toEqual(REASONS.connectionLost);
  });
});
