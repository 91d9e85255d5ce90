import { describe, expect, it } from 'vitest';
import type { History, LoggedEvent, SessionWrite } from './history.ts';
import { checkHistory } from './history-checker.ts';

const S = 'sess-1';
const message = (seq: number, id: string, at = seq * 10): LoggedEvent => ({
  seq,
  eventId: `ev-${seq}`,
  type: 'session:message',
  messageId: id,
  at,
});

/** A run where everything held: two contact messages, one send, a claim and fenced writes. */
function clean(): History {
  return {
    seed: 7,
    endedAt: 1_000,
    sessions: [
      {
        sessionId: S,
        status: 'CONNECTED',
        ownerHostId: 'h1',
        ownerAlive: true,
        events: [
          { seq: 1, eventId: 'ev-1', type: 'session:connected', at: 5 },
          message(2, 'A'),
          message(3, 'B'),
        ],
      },
    ],
    contactSends: [
      { sessionId: S, id: 'A', at: 15, final: false },
      { sessionId: S, id: 'B', at: 25, final: true },
    ],
    apiSends: [{ sessionId: S, id: 'X', at: 30, final: false }],
    delivered: [{ sessionId: S, id: 'X' }],
    writes: [
      write({ kind: 'claim', hostId: 'h1', owner: 'h1', epoch: 1, sentAt: 1, answeredAt: 2 }),
      write({ kind: 'write', hostId: 'h1', owner: 'h1', epoch: 1, sentAt: 3, answeredAt: 4 }),
    ],
  };
}

function write(w: Omit<SessionWrite, 'sessionId' | 'accepted'> & { accepted?: boolean }): SessionWrite {
  return { sessionId: S, accepted: true, ...w };
}

const rules = (h: History) => checkHistory(h).map((v) => v.rule);

describe('the chaos history checker', () => {
  it('finds nothing in a history where every promise held', () => {
    expect(checkHistory(clean())).toEqual([]);
  });

  it('reports a contact message missing from the event log, with the seed and the moment it was sent', () => {
    const h = clean();
    const [v] = checkHistory({
      ...h,
      contactSends: [...h.contactSends, { sessionId: S, id: 'C', at: 40, final: false }],
    });
    expect(v).toMatchObject({ rule: 'lost', seed: 7, sessionId: S, at: 40 });
  });

  it('reports a contact message logged twice', () => {
    const h = clean();
    const [session] = h.sessions;
    expect(
      rules({ ...h, sessions: [{ ...session!, events: [...session!.events, message(4, 'A')] }] }),
    ).toEqual(['duplicated']);
  });

  it('reports a seq gap and a seq going backwards', () => {
    const h = clean();
    const [session] = h.sessions;
    const events = [session!.events[0]!, message(3, 'A'), message(2, 'B')];
    expect(rules({ ...h, sessions: [{ ...session!, events }] })).toEqual(['seq-gap', 'seq-gap']);
  });

  it('reports an API send that never reached the contact, and one that reached it twice', () => {
    const h = clean();
    expect(rules({ ...h, delivered: [] })).toEqual(['send-lost']);
    expect(rules({ ...h, delivered: [...h.delivered, ...h.delivered] })).toEqual(['send-duplicated']);
  });

  it('calls a lost message of the final round a key loss', () => {
    const h = clean();
    const [session] = h.sessions;
    const events = session!.events.slice(0, 2);
    expect(rules({ ...h, sessions: [{ ...session!, events }] })).toEqual(['key-loss']);
    expect(rules({ ...h, apiSends: [{ ...h.apiSends[0]!, final: true }], delivered: [] })).toEqual([
      'key-loss',
    ]);
  });

  it('reports a session not CONNECTED at the end, or owned by a host that is gone', () => {
    const h = clean();
    const [session] = h.sessions;
    expect(rules({ ...h, sessions: [{ ...session!, status: 'DISCONNECTED' }] })).toEqual(['unrecovered']);
    expect(rules({ ...h, sessions: [{ ...session!, ownerAlive: false }] })).toEqual(['unrecovered']);
  });

  it('reports a write that landed after another host took the session over', () => {
    const h = clean();
    const writes = [
      ...h.writes,
      write({ kind: 'takeover', hostId: 'h2', owner: 'h2', epoch: 2, sentAt: 10, answeredAt: 11 }),
      // The paused ex-owner wakes and its status write lands: no fence stopped it.
      write({ kind: 'write', hostId: 'h1', sentAt: 20, answeredAt: 21 }),
    ];
    const [v] = checkHistory({ ...h, writes });
    expect(v).toMatchObject({ rule: 'double-owner', at: 20 });
  });

  it('does not blame a write sent before the takeover was answered, nor a refused one', () => {
    const h = clean();
    const writes = [
      ...h.writes,
      write({ kind: 'takeover', hostId: 'h2', owner: 'h2', epoch: 2, sentAt: 10, answeredAt: 12 }),
      write({ kind: 'write', hostId: 'h1', owner: 'h1', epoch: 1, sentAt: 11, answeredAt: 13 }),
      write({
        kind: 'write',
        hostId: 'h1',
        owner: 'h1',
        epoch: 1,
        sentAt: 20,
        answeredAt: 21,
        accepted: false,
      }),
    ];
    expect(checkHistory({ ...h, writes })).toEqual([]);
  });

  it('reports a write naming an older epoch, and an ownership change that did not grow the epoch', () => {
    const h = clean();
    expect(
      rules({
        ...h,
        writes: [
          ...h.writes,
          write({ kind: 'claim', hostId: 'h1', owner: 'h1', epoch: 2, sentAt: 10, answeredAt: 11 }),
          write({ kind: 'write', hostId: 'h1', owner: 'h1', epoch: 1, sentAt: 12, answeredAt: 13 }),
        ],
      }),
    ).toEqual(['double-owner']);
    expect(
      rules({
        ...h,
        writes: [
          ...h.writes,
          write({ kind: 'claim', hostId: 'h2', owner: 'h2', epoch: 1, sentAt: 10, answeredAt: 11 }),
        ],
      }),
    ).toEqual(['double-owner']);
  });

  it('reports a webhook delivery missing and one overtaking an earlier event', () => {
    const h = clean();
    const expected = [
      { sessionId: S, eventId: 'ev-2', seq: 2 },
      { sessionId: S, eventId: 'ev-3', seq: 3 },
    ];
    expect(
      rules({ ...h, webhooks: { expected, received: [{ sessionId: S, eventId: 'ev-2', at: 50 }] } }),
    ).toEqual(['webhook-missing']);
    const received = [
      { sessionId: S, eventId: 'ev-3', at: 50 },
      { sessionId: S, eventId: 'ev-2', at: 60 },
      { sessionId: S, eventId: 'ev-3', at: 70 },
    ];
    expect(rules({ ...h, webhooks: { expected, received } })).toEqual(['webhook-order']);
    expect(rules({ ...h, webhooks: { expected, received: received.slice(1) } })).toEqual([]);
  });

  it('reports a logged event a resuming WebSocket subscriber never got, repeats and order aside', () => {
    const h = clean();
    expect(rules({ ...h, subscribers: [{ sessionId: S, seen: [3, 1, 2, 3] }] })).toEqual([]);
    const missing = checkHistory({ ...h, subscribers: [{ sessionId: S, seen: [1, 3] }] });
    expect(missing).toMatchObject([{ rule: 'ws-missing', seed: 7, sessionId: S, at: 20 }]);
    expect(missing[0]?.detail).toContain('seq 2');
  });
});
