import type { History, Rule, SessionWrite, Violation, WebhookHistory } from './history.ts';

/**
 * Reads a whole chaos run's history and lists every broken promise: each
 * contact message one event, seq gap-free, each API send at the contact once,
 * one owner at a time, every session back, the final round through (keys
 * intact), webhooks at least once and in order, every event at a resuming
 * WebSocket subscriber.
 */
export function checkHistory(history: History): Violation[] {
  const out: Violation[] = [];
  const add = (rule: Rule, sessionId: string, at: number, detail: string): void => {
    out.push({ rule, seed: history.seed, sessionId, at, detail });
  };
  checkEvents(history, add);
  checkSends(history, add);
  checkOwnership(history.writes, add);
  for (const s of history.sessions) {
    if (s.status !== 'CONNECTED' || !s.ownerAlive)
      add(
        'unrecovered',
        s.sessionId,
        history.endedAt,
        `${s.status} on ${s.ownerHostId} (alive: ${s.ownerAlive})`,
      );
  }
  if (history.webhooks) checkWebhooks(history.webhooks, history.endedAt, add);
  if (history.subscribers) checkSubscribers(history, add);
  return out.sort((a, b) => a.at - b.at);
}

type Add = (rule: Rule, sessionId: string, at: number, detail: string) => void;

function checkEvents(history: History, add: Add): void {
  for (const session of history.sessions) {
    const byMessage = new Map<string, number[]>();
    const byEventId = new Map<string, number>();
    let previous = 0;
    for (const e of session.events) {
      if (e.seq !== previous + 1) add('seq-gap', session.sessionId, e.at, `seq ${e.seq} follows ${previous}`);
      previous = e.seq;
      byEventId.set(e.eventId, (byEventId.get(e.eventId) ?? 0) + 1);
      if (byEventId.get(e.eventId) === 2)
        add('duplicated', session.sessionId, e.at, `event id ${e.eventId} logged twice`);
      if (e.type === 'session:message' && e.messageId)
        byMessage.set(e.messageId, [...(byMessage.get(e.messageId) ?? []), e.at]);
    }
    for (const sent of history.contactSends.filter((s) => s.sessionId === session.sessionId)) {
      const seen = byMessage.get(sent.id) ?? [];
      if (seen.length === 0) {
        add(
          sent.final ? 'key-loss' : 'lost',
          sent.sessionId,
          sent.at,
          `contact message ${sent.id} never logged`,
        );
      } else if (seen.length > 1) {
        add(
          'duplicated',
          sent.sessionId,
          seen[1] as number,
          `contact message ${sent.id} logged ${seen.length} times`,
        );
      }
    }
  }
}

function checkSends(history: History, add: Add): void {
  const counts = new Map<string, number>();
  for (const d of history.delivered) counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
  for (const sent of history.apiSends) {
    const n = counts.get(sent.id) ?? 0;
    if (n === 0)
      add(
        sent.final ? 'key-loss' : 'send-lost',
        sent.sessionId,
        sent.at,
        `send ${sent.id} never reached the contact`,
      );
    else if (n > 1)
      add('send-duplicated', sent.sessionId, sent.at, `send ${sent.id} reached the contact ${n} times`);
  }
}

/**
 * From DynamoDB's answers alone: an accepted write that was sent after another
 * host's ownership change had been answered, naming an older epoch or another
 * owner, is a second owner writing. Epochs left by ownership changes only grow.
 */
function checkOwnership(writes: readonly SessionWrite[], add: Add): void {
  const accepted = writes.filter((w) => w.accepted);
  const sessions = new Set(accepted.map((w) => w.sessionId));
  for (const sessionId of sessions) {
    const mine = accepted.filter((w) => w.sessionId === sessionId);
    const changes = mine.filter((w) => w.kind !== 'write').sort((a, b) => a.answeredAt - b.answeredAt);
    let highest: SessionWrite | undefined;
    for (const change of changes) {
      if (
        highest &&
        change.epoch !== undefined &&
        highest.epoch !== undefined &&
        change.epoch <= highest.epoch
      )
        add(
          'double-owner',
          sessionId,
          change.sentAt,
          `${change.kind} by ${change.hostId} left epoch ${change.epoch}, not above ${highest.epoch} (${highest.hostId})`,
        );
      if (!highest || (change.epoch ?? -1) > (highest.epoch ?? -1)) highest = change;
    }
    for (const write of mine.filter((w) => w.kind === 'write')) {
      const current = changes.filter((c) => c.answeredAt < write.sentAt).at(-1);
      if (!current) continue;
      const otherOwner = current.owner !== write.hostId;
      const olderEpoch =
        write.epoch !== undefined && current.epoch !== undefined && write.epoch < current.epoch;
      if (otherOwner || olderEpoch)
        add(
          'double-owner',
          sessionId,
          write.sentAt,
          `${write.hostId} wrote (epoch ${write.epoch ?? 'none'}) while ${current.owner} held epoch ${current.epoch}`,
        );
    }
  }
}

function checkWebhooks(webhooks: WebhookHistory, endedAt: number, add: Add): void {
  const firstArrival = new Map<string, number>();
  webhooks.received.forEach((r, i) => {
    if (!firstArrival.has(r.eventId)) firstArrival.set(r.eventId, i);
  });
  const sessions = new Set(webhooks.expected.map((e) => e.sessionId));
  for (const sessionId of sessions) {
    const expected = webhooks.expected.filter((e) => e.sessionId === sessionId).sort((a, b) => a.seq - b.seq);
    let last = -1;
    for (const e of expected) {
      const index = firstArrival.get(e.eventId);
      if (index === undefined) {
        add('webhook-missing', sessionId, endedAt, `event seq ${e.seq} (${e.eventId}) never delivered`);
        continue;
      }
      if (index < last)
        add(
          'webhook-order',
          sessionId,
          webhooks.received[index]?.at ?? 0,
          `seq ${e.seq} arrived before an earlier event`,
        );
      last = Math.max(last, index);
    }
  }
}

/** A subscriber that resumes with `after` must end up holding every logged event (repeats are its to drop). */
function checkSubscribers(history: History, add: Add): void {
  for (const sub of history.subscribers ?? []) {
    const seen = new Set(sub.seen);
    const session = history.sessions.find((s) => s.sessionId === sub.sessionId);
    const missing = (session?.events ?? []).filter((e) => !seen.has(e.seq));
    for (const e of missing.slice(0, 10))
      add('ws-missing', sub.sessionId, e.at, `event seq ${e.seq} (${e.type}) never reached the subscriber`);
    if (missing.length > 10)
      add('ws-missing', sub.sessionId, history.endedAt, `and ${missing.length - 10} more events`);
  }
}
