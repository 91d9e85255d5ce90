/**
 * `npm run bench -- soak [--sessions N] [--minutes M] [--idle-minutes I] [--rate R]`:
 * a real session-host process with N linked sessions, first idle for I
 * minutes (the baseline: how RSS and heap drift with nothing to do), then for
 * M minutes contacts of the fake WhatsApp send R messages per second in all,
 * spread over the sessions. Every 10 s the host's RSS (/proc), heap and
 * event-loop lag p99 (its /metrics) are sampled. Prints the slopes of RSS and
 * heap per minute in each phase (least squares), the lag p99s, and how many
 * messages never reached the event log. JSON on the last line.
 */
import { randomBytes } from 'node:crypto';
import { ENV } from '#commons/config/env-names.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { startHostProcess } from '../../infra/local/host-process.ts';
import { createTestAws } from '../support/aws.ts';
import { startFakeProcess } from '../support/fake-whatsapp/fake-process.ts';
import { benchArgs, percentile, withEmbeddedAws } from './bench-support.ts';
import { linkSessions, rssMbOf } from './link-sessions.ts';

const args = benchArgs('soak', { sessions: 200, minutes: 20, 'idle-minutes': 2, rate: 5 });
const log = (msg: string): void => console.error(`[soak] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number): number => Math.round(n * 1000) / 1000;
const SAMPLE_MS = 10_000;
const CONTACTS = 10;

interface Sample {
  readonly minute: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly lagP99Ms: number;
}

/** Least-squares slope of `value` per minute. */
function slope(samples: readonly Sample[], value: (s: Sample) => number): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mx = samples.reduce((a, s) => a + s.minute, 0) / n;
  const my = samples.reduce((a, s) => a + value(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.minute - mx) * (value(s) - my);
    den += (s.minute - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop());
}

function phase(samples: readonly Sample[]) {
  return {
    samples: samples.length,
    rssSlopeMbPerMin: round(slope(samples, (s) => s.rssMb)),
    heapSlopeMbPerMin: round(slope(samples, (s) => s.heapMb)),
    rssMb: {
      first: round(samples[0]?.rssMb ?? Number.NaN),
      last: round(samples.at(-1)?.rssMb ?? Number.NaN),
    },
    heapMb: {
      first: round(samples[0]?.heapMb ?? Number.NaN),
      last: round(samples.at(-1)?.heapMb ?? Number.NaN),
    },
    lagP99Ms: {
      p50: percentile(
        samples.map((s) => s.lagP99Ms),
        50,
      ),
      max: percentile(
        samples.map((s) => s.lagP99Ms),
        100,
      ),
    },
  };
}

await withEmbeddedAws(async () => {
  const fake = await startFakeProcess(['--qr-refs', '10']);
  try {
    const aws = await createTestAws('soak');
    const host = await startHostProcess({
      env: {
        ...aws.env,
        [ENV.hostId]: 'soak-host',
        [ENV.hostPort]: '0',
        [ENV.hostCapacity]: String(args.sessions + 10),
        [ENV.internalToken]: randomBytes(24).toString('hex'),
        [ENV.wsManagementEndpoint]: 'http://127.0.0.1:9/local',
        [ENV.waWebSocketUrl]: fake.info.wsUrl,
        [ENV.waCertPublicKey]: Buffer.from(fake.info.caPublicKey, 'base64').toString('hex'),
        [ENV.logLevel]: 'warn',
      },
      onLog: () => undefined,
    });
    const pid = host.child.pid as number;
    const scrape = async (started: number): Promise<Sample> => {
      const text = await (await fetch(`http://127.0.0.1:${host.port}/metrics`)).text();
      return {
        minute: (Date.now() - started) / 60_000,
        rssMb: rssMbOf(pid),
        heapMb: metric(text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
        lagP99Ms: metric(text, 'zapfleet_event_loop_lag_ms'),
      };
    };
    log(`linking ${args.sessions} sessions`);
    await linkSessions({
      aws,
      fake,
      hostId: 'soak-host',
      idPrefix: 'ses_soak',
      count: args.sessions,
      onLinked: (n) => {
        if (n % 50 === 0) log(`connected ${n}/${args.sessions}`);
      },
    });
    const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
    const ids = Array.from({ length: args.sessions }, (_, i) => `ses_soak${String(i).padStart(5, '0')}`);
    const phones = new Map<string, string>();
    for (const id of ids) phones.set(id, (await ownership.get(id))?.me?.phoneNumber as string);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => `1555900${String(i).padStart(4, '0')}`);
    for (const pn of contacts) await fake.control('POST', '/users', { pn, name: `Soak ${pn}` });

    log(`idle for ${args['idle-minutes']} min`);
    const idle: Sample[] = [];
    const idleStart = Date.now();
    while (Date.now() - idleStart < args['idle-minutes'] * 60_000) {
      await sleep(SAMPLE_MS);
      idle.push(await scrape(idleStart));
    }

    log(`traffic for ${args.minutes} min at ${args.rate} msg/s`);
    const busy: Sample[] = [];
    const sent = new Map<string, string[]>();
    let failedSends = 0;
    let k = 0;
    const busyStart = Date.now();
    let nextSample = busyStart + SAMPLE_MS;
    while (Date.now() - busyStart < args.minutes * 60_000) {
      const sessionId = ids[k % ids.length] as string;
      const text = `soak ${k}`;
      const from = contacts[k % contacts.length] as string;
      k++;
      await fake.control('POST', '/messages', { from, to: phones.get(sessionId), text }).then(
        () => sent.set(sessionId, [...(sent.get(sessionId) ?? []), text]),
        () => failedSends++,
      );
      if (Date.now() >= nextSample) {
        busy.push(await scrape(busyStart));
        nextSample += SAMPLE_MS;
        if (busy.length % 6 === 0) log(`${Math.round(busy.at(-1)?.minute ?? 0)} min, ${k} sent`);
      }
      const due = busyStart + (k * 1000) / args.rate;
      if (due > Date.now()) await sleep(due - Date.now());
    }

    log('counting what reached the event log');
    const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
    const missing = async (): Promise<number> => {
      let lost = 0;
      for (const [sessionId, texts] of sent) {
        const got = new Set(
          (await events.after(sessionId, 0, 10_000))
            .filter((e) => e.type === 'session:message')
            .map((e) => e.data.text as string),
        );
        lost += texts.filter((t) => !got.has(t)).length;
      }
      return lost;
    };
    let lost = await missing();
    for (let i = 0; i < 12 && lost > 0; i++) {
      await sleep(5_000);
      lost = await missing();
    }
    await host.stop(60_000);
    aws.destroy();
    console.log(
      JSON.stringify({
        sessions: args.sessions,
        minutes: args.minutes,
        ratePerSecond: args.rate,
        sent: [...sent.values()].reduce((a, t) => a + t.length, 0),
        failedSends,
        lostMessages: lost,
        traffic: phase(busy),
        baseline: { idleMinutes: args['idle-minutes'], idle: phase(idle) },
      }),
    );
  } finally {
    await fake.stop();
  }
});
