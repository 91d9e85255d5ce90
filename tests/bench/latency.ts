/**
 * `npm run bench -- latency [--messages N]`: a contact's text through the
 * fake WhatsApp, a real host process (S3 auth state, event log, fan-out) and
 * the local WebSocket gateway, timed from the contact's send to
 * `session:message` at a subscribed client, one message at a time. Baselines
 * in the same run: (a) a bare Baileys socket with in-memory keys, from the
 * same send to its messages.upsert (another process); (b) the durable floor:
 * the writes this path cannot skip, one after another with the same clients
 * against the same emulators (an S3 PUT the size of this run's journal
 * entries, a conditional pointer write, a message event's append, one
 * PostToConnection until the client has it). JSON on the last line.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ENV } from '#commons/config/env-names.ts';
import { startHostProcess } from '../../infra/local/host-process.ts';
import { startWsHarness } from '../events/ws-harness.ts';
import { startFakeProcess } from '../support/fake-whatsapp/fake-process.ts';
import { connectWs } from '../support/ws-test-client.ts';
import { benchArgs, percentile, withEmbeddedAws } from './bench-support.ts';
import { Arrivals, startBareReceiver } from './latency-bare.ts';
import { measureDurableFloor } from './latency-floor.ts';
import { linkOneSession } from './latency-link.ts';

const args = benchArgs('latency', { messages: 200 });
const log = (msg: string): void => console.error(`[latency] ${msg}`);
/** Wall-clock ms with sub-ms precision: comparable with the bare child's stamps. */
const stamp = (): number => performance.timeOrigin + performance.now();

const CONTACT = '15550001111';
const HOST_PHONE = '15550002222';
const BARE_PHONE = '15550003333';

await withEmbeddedAws(async () => {
  const fake = await startFakeProcess(['--qr-refs', '10']);
  const h = await startWsHarness();
  const hostId = 'latency-host';
  const host = await startHostProcess({
    env: {
      ...h.aws.env,
      [ENV.hostId]: hostId,
      [ENV.hostPort]: '0',
      [ENV.internalToken]: randomBytes(24).toString('hex'),
      [ENV.wsManagementEndpoint]: h.gateway.managementEndpoint,
      [ENV.waWebSocketUrl]: fake.info.wsUrl,
      [ENV.waCertPublicKey]: Buffer.from(fake.info.caPublicKey, 'base64').toString('hex'),
      [ENV.reconcileIntervalMs]: '1000',
      [ENV.logLevel]: 'warn',
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the host on this path.
      ...(process.env.LATENCY_HOST_NODE_OPTIONS && { NODE_OPTIONS: process.env.LATENCY_HOST_NODE_OPTIONS }),
    },
    onLog: (line) => process.stderr.write(`[host] ${line}\n`),
  });
  const bare = await startBareReceiver(fake, BARE_PHONE);
  try {
    await fake.control('POST', '/users', { pn: CONTACT, name: 'Bench' });
    const sessionId = await linkOneSession({ aws: h.aws, fake, hostId, phone: HOST_PHONE });
    log(`linked ${sessionId}; subscribing`);
    const client = await connectWs(h.url('bench:ADMIN'));
    client.send({ action: 'subscribe', sessionId });
    await client.waitFor((m) => m.type === 'subscribed', 30_000);
    const arrivals = new Arrivals();
    // When the host stamped the envelope, just before its append: splits the path in two.
    const appendStarts = new Map<string, number>();
    client.socket.on('message', (data: Buffer) => {
      const at = stamp();
      const m = JSON.parse(data.toString()) as { type?: string; at?: string; data?: { text?: string } };
      if (m.type === 'session:message' && m.data?.text) {
        arrivals.set(m.data.text, at);
        appendStarts.set(m.data.text, Date.parse(m.at as string));
      }
    });

    const sentAt = new Map<string, number>();
    // Event-driven waits: a polling loop here would take a core from the host and the emulators.
    const through = async (to: string, text: string, arrivalsOf: Arrivals) => {
      const arrived = arrivalsOf.next(text, 30_000);
      const sent = stamp();
      sentAt.set(text, Date.now());
      await fake.control('POST', '/messages', { from: CONTACT, to, text });
      return (await arrived) - sent;
    };
    const zapfleet: number[] = [];
    const baileys: number[] = [];
    let firstZapfleet = 0;
    let firstBare = 0;
    for (let i = -1; i < args.messages; i++) {
      const text = `latency ${i}`;
      const ms = await through(HOST_PHONE, text, arrivals);
      const bareText = `bare ${i}`;
      const bareMs = await through(BARE_PHONE, bareText, bare.arrivals);
      // The first message of a new Signal session is its own figure (a key exchange on both sides).
      if (i < 0) {
        firstZapfleet = ms;
        firstBare = bareMs;
      } else {
        zapfleet.push(ms);
        baileys.push(bareMs);
      }
      if (i % 50 === 49) log(`${i + 1}/${args.messages}`);
    }
    const split = { toAppendStart: [] as number[], appendStartToClient: [] as number[] };
    for (let i = 0; i < args.messages; i++) {
      const text = `latency ${i}`;
      const start = appendStarts.get(text) as number;
      split.toAppendStart.push(start - (sentAt.get(text) as number));
      split.appendStartToClient.push((arrivals.get(text) as number) - start);
    }
    log('durable floor');
    const floor = await measureDurableFloor({
      h,
      client,
      tenantId: 'bench',
      sessionId,
      count: args.messages,
    });
    const bareP50 = percentile(baileys, 50);
    const target = bareP50 + 1.5 * floor.p50Ms;
    console.log(
      JSON.stringify({
        messages: args.messages,
        p50Ms: percentile(zapfleet, 50),
        p90Ms: percentile(zapfleet, 90),
        p99Ms: percentile(zapfleet, 99),
        firstMessageMs: Math.round(firstZapfleet * 100) / 100,
        // Send → the host's envelope stamp (Baileys, key commit, event queue); stamp → client (append, fan-out).
        split: {
          toAppendStartP50Ms: percentile(split.toAppendStart, 50),
          appendStartToClientP50Ms: percentile(split.appendStartToClient, 50),
        },
        bareBaileys: {
          p50Ms: bareP50,
          p99Ms: percentile(baileys, 99),
          firstMessageMs: Math.round(firstBare * 100) / 100,
        },
        floor,
        targetP50Ms: Math.round(target * 100) / 100,
        clockSkewMs: Math.round((stamp() - Date.now()) * 100) / 100,
        p50WithinTarget: percentile(zapfleet, 50) <= target,
        p99Within50Ms: percentile(zapfleet, 99) <= 50,
      }),
    );
    await client.close();
  } finally {
    bare.stop();
    await host.stop(10_000);
    await h.stop();
    await fake.stop();
  }
});
