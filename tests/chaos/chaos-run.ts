import { writeFileSync } from 'node:fs';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { createTestAws } from '../support/aws.ts';
import { createFakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';
import { ChaosEdges } from './chaos-edges.ts';
import { applyFault } from './chaos-faults.ts';
import { CHAOS_TIMING, ChaosFleet } from './chaos-fleet.ts';
import { ChaosTraffic } from './chaos-traffic.ts';
import { linkSessions, readOutbox, readOutcomes } from './chaos-world.ts';
import { FaultTimeline } from './fault-timeline.ts';
import type { History, SessionOutcome, Violation } from './history.ts';
import { checkHistory } from './history-checker.ts';
import { countHostSignals } from './host-signals.ts';
import { describeFault, drawSchedule, type Fault } from './schedule.ts';

export interface ChaosOptions {
  readonly seed: number;
  readonly minutes: number;
  readonly hosts: number;
  readonly sessions: number;
  /** Progress lines (one per fault, per-minute counts). */
  readonly log: (line: string) => void;
  /** A fixed schedule instead of one drawn from the seed (the control run). */
  readonly schedule?: readonly Fault[];
  /** A test-only host entry (the broken-fence control). */
  readonly hostEntry?: string;
  readonly roundMs?: number;
  /** How long settling may take before the checker reports what is still missing. */
  readonly settleMs?: number;
  /** Where to write the history and every host's logs when the checker finds a violation. */
  readonly dumpFile?: string;
}

export interface ChaosResult {
  readonly seed: number;
  readonly schedule: readonly Fault[];
  readonly faults: number;
  readonly messages: number;
  readonly violations: Violation[];
  readonly history: History;
}

/**
 * One chaos run on real processes: embedded AWS behind per-host proxies, the
 * fake WhatsApp, H session hosts; traffic both ways while the seed's faults
 * land; then heal, settle, a final round, and the history checker.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  const durationMs = options.minutes * 60_000;
  const schedule =
    options.schedule ??
    drawSchedule({
      seed: options.seed,
      durationMs,
      hosts: options.hosts,
      sessions: options.sessions,
      leaseMs: CHAOS_TIMING.leaseMs,
    });
  log(
    `seed ${options.seed}: ${schedule.length} faults over ${options.minutes} min, ${options.hosts} hosts, ${options.sessions} sessions`,
  );
  for (const f of schedule) log(`  ${describeFault(f)}`);
  const [aws, fake] = await Promise.all([createTestAws('chaos'), createFakeWhatsApp()]);
  const fakeTrouble: string[] = [];
  fake.events.on('stalled', (what: string) => fakeTrouble.push(`stalled ${Date.now()} ${what}`));
  fake.events.on('decrypt-error', (err: Error) =>
    fakeTrouble.push(`decrypt-error ${Date.now()} ${err.message}`),
  );
  fake.events.on('retry-requested', (jid: string, id: string, count: number, cause: Error) =>
    fakeTrouble.push(`retry-requested ${Date.now()} ${jid} ${id} #${count} ${cause.message}`),
  );
  fake.events.on('message-duplicate', (to: string, id: string) =>
    fakeTrouble.push(`duplicate ${Date.now()} ${to} ${id}`),
  );
  const edges = await ChaosEdges.start(aws, log).catch(async (err: unknown) => {
    await fake.close();
    aws.destroy();
    throw err;
  });
  const fleet = new ChaosFleet({ aws, fake, edgeEnv: edges.hostEnv(), entry: options.hostEntry, log });
  let faults: FaultTimeline | undefined;
  try {
    const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
    const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
    for (let slot = 0; slot < options.hosts; slot++) await fleet.start(slot);
    const sessions = await linkSessions(options, fleet, { aws, fake, ownership, events });
    edges.subscribe(sessions.map((s) => s.sessionId));
    const traffic = new ChaosTraffic(fake, (id, to, text) => edges.send(id, to, text), sessions, log);
    await traffic.warmUp(async (sessionId, id) =>
      (await events.after(sessionId, 0, 100_000)).some((e) => e.data.id === id),
    );
    log(`linked ${sessions.length} sessions; traffic and faults start`);
    const start = Date.now();
    faults = new FaultTimeline(schedule, (f) => applyFault(f, { fleet, fake, edges, sessions }, log), log);
    let minute = 1;
    while (Date.now() - start < durationMs) {
      await traffic.send();
      if (Date.now() - start >= minute * 60_000) {
        log(
          `minute ${minute}: ${traffic.contactSends.length} contact messages, ${traffic.apiSends.length} sends queued, ${traffic.delivered().length} delivered, ${faults.applied} faults`,
        );
        minute++;
      }
      await new Promise((r) => setTimeout(r, options.roundMs ?? 2_000));
    }
    await faults.finish();
    fleet.heal();
    edges.heal();
    log(`faults over (${faults.applied} applied); settling`);
    const settleMs = options.settleMs ?? 120_000;
    const outcomes = () => readOutcomes(sessions, { ownership, events, fleet });
    const recovered = async () => (await outcomes()).every((o) => o.status === 'CONNECTED' && o.ownerAlive);
    await settle('every session CONNECTED on a live host', settleMs, recovered, log);
    await settle(
      'every message so far through',
      settleMs,
      async () => allThrough(traffic, await outcomes()),
      log,
    );
    await traffic.send(true);
    await settle(
      'the final round through',
      settleMs / 2,
      async () => allThrough(traffic, await outcomes()),
      log,
    );
    await settle(
      'every event at the webhook receiver and the WebSocket subscribers',
      settleMs / 2,
      async () => edgesCaughtUp(edges, await outcomes()),
      log,
    );
    const final = await outcomes();
    const history: History = {
      seed: options.seed,
      endedAt: Date.now(),
      sessions: final,
      contactSends: traffic.contactSends,
      apiSends: traffic.apiSends,
      delivered: traffic.delivered(),
      writes: fleet.writes,
      webhooks: {
        expected: final.flatMap((o) =>
          o.events.map((e) => ({ sessionId: o.sessionId, eventId: e.eventId, seq: e.seq })),
        ),
        received: edges.webhooksReceived(),
      },
      subscribers: edges.subscribers.map((s) => ({ sessionId: s.sessionId, seen: s.seen })),
    };
    const violations = checkHistory(history);
    if (violations.length > 0 && options.dumpFile) {
      const outbox = await Promise.all(sessions.map((s) => readOutbox(aws, s.sessionId)));
      writeFileSync(
        options.dumpFile,
        JSON.stringify({ violations, history, outbox, fakeTrouble, hosts: fleet.logs() }),
      );
      log(`history, outbox and host logs written to ${options.dumpFile}`);
    }
    const wsEvents = edges.subscribers.reduce((n, s) => n + s.seen.length, 0);
    const resumes = edges.subscribers.reduce((n, s) => n + s.reconnects, 0);
    log(
      `checked ${history.webhooks?.expected.length} logged events, ${history.webhooks?.received.length} webhook deliveries, ${wsEvents} events at ${edges.subscribers.length} WebSocket subscribers (${resumes} reconnects): ${violations.length} violations (the fake saw ${troubleCounts(fakeTrouble)})`,
    );
    log(`host signals: ${JSON.stringify(countHostSignals(fleet.logs()))}`);
    for (const v of violations.slice(0, 40))
      log(
        `  VIOLATION ${v.rule} seed=${v.seed} session=${v.sessionId} at=${new Date(v.at).toISOString()} ${v.detail}`,
      );
    return {
      seed: options.seed,
      schedule,
      faults: faults.applied,
      messages: traffic.contactSends.length + traffic.apiSends.length,
      violations,
      history,
    };
  } finally {
    faults?.cancel();
    await edges.dispose();
    await fleet.dispose();
    await fake.close();
    aws.destroy();
  }
}

async function settle(
  what: string,
  timeoutMs: number,
  done: () => Promise<boolean>,
  log: (l: string) => void,
): Promise<void> {
  // Settling is best effort: what is still missing at the deadline is the checker's to report.
  await waitFor(async () => (await done()) || undefined, what, timeoutMs, 250).catch(() =>
    log(`gave up waiting for ${what} after ${timeoutMs} ms`),
  );
}

function allThrough(traffic: ChaosTraffic, outcomes: readonly SessionOutcome[]): boolean {
  const logged = new Set(outcomes.flatMap((o) => o.events.map((e) => e.messageId)));
  const delivered = new Set(traffic.delivered().map((d) => d.id));
  return (
    traffic.contactSends.every((s) => logged.has(s.id)) && traffic.apiSends.every((s) => delivered.has(s.id))
  );
}

/** The receiver acknowledged every logged event, and every subscriber holds the log without a hole. */
function edgesCaughtUp(edges: ChaosEdges, outcomes: readonly SessionOutcome[]): boolean {
  const acknowledged = new Set(edges.webhooksReceived().map((r) => r.eventId));
  return outcomes.every(
    (o) =>
      o.events.every((e) => acknowledged.has(e.eventId)) &&
      (edges.subscribers.find((s) => s.sessionId === o.sessionId)?.contiguous() ?? 0) >=
        (o.events.at(-1)?.seq ?? 0),
  );
}

/** The fake's troubles by kind: a retry request should be answered (then a duplicate); a decrypt error is not asked again. */
function troubleCounts(troubles: readonly string[]): string {
  const count = (kind: string) => troubles.filter((t) => t.startsWith(`${kind} `)).length;
  return `${count('decrypt-error')} decrypt errors, ${count('retry-requested')} retry requests, ${count('duplicate')} duplicates, ${count('stalled')} stalls`;
}
