/**
 * `npm run bench -- media [--size-mb 50] [--sessions 100] [--settle-ms 5000] [--trials 3]`:
 * a real session-host process with N idle linked sessions against the fake
 * (own process) sends a document of SIZE MB from the media bucket (by media
 * id) and receives one from a contact; the host's RSS is sampled every 20 ms
 * → {sendSeconds, receiveSeconds, peakExtraRssMb} above its steady state
 * (the peak of an idle window as long as the settle time, just before each
 * transfer; the median of `trials` transfers each way).
 * Baseline in the same run: bare Baileys sending from an in-memory Buffer and
 * downloading into a Buffer (media-bare-child.ts). JSON on the last line.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import { ENV } from '#commons/config/env-names.ts';
import { mediaObjectKey, newMediaId } from '#commons/domain/media.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { startHostProcess } from '../../infra/local/host-process.ts';
import { HOST_LIMIT_ENV } from '../../session-host/src/host-limits.ts';
import { TRANSFER_PEAK_BOUND_MB } from '../../session-host/src/media/part-upload.ts';
import { createTestAws } from '../support/aws.ts';
import { startFakeProcess } from '../support/fake-whatsapp/fake-process.ts';
import { benchArgs, withEmbeddedAws } from './bench-support.ts';
import { linkSessions, rssMbOf } from './link-sessions.ts';

const run = promisify(execFile);
const round = (n: number): number => Math.round(n * 100) / 100;
const log = (msg: string): void => console.error(`[media] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const args = benchArgs('media', { 'size-mb': 50, sessions: 100, 'settle-ms': 5_000, trials: 3 });
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** A PDF header (so file-type says application/pdf), then random bytes, written in 1 MB steps. */
async function writeDocument(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  let left = bytes;
  let first = true;
  while (left > 0) {
    const chunk = randomBytes(Math.min(left, 1 << 20));
    if (first) chunk.write('%PDF-1.4\n', 0, 'latin1');
    first = false;
    hash.update(chunk);
    left -= chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return hash.digest('hex');
}

/**
 * The host's idle RSS over `ms`, sampled every 20 ms. With 100 linked
 * sessions the heap saws up and down by tens of MB between full GCs even
 * when nothing moves, so the steady state is that window's peak (a transfer
 * must be measured against the sawtooth's top, not against one sample).
 */
async function idleWindow(pid: number, ms: number): Promise<{ peakMb: number; meanMb: number }> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    samples.push(rssMbOf(pid));
    await sleep(20);
  }
  return { peakMb: Math.max(...samples), meanMb: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/** Peak RSS of `pid` while `op` runs, sampled every 20 ms. */
async function peakDuring<T>(
  pid: number,
  op: () => Promise<T>,
): Promise<{ result: T; peakMb: number; seconds: number }> {
  let peak = rssMbOf(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMbOf(pid));
  }, 20);
  const started = performance.now();
  try {
    const result = await op();
    return { result, peakMb: Math.max(peak, rssMbOf(pid)), seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

await withEmbeddedAws(async () => {
  const { sessions } = args;
  const settleMs = args['settle-ms'];
  const sizeBytes = Math.round(args['size-mb'] * 1024 * 1024);
  const dir = await mkdtemp(join(tmpdir(), 'zapfleet-media-bench-'));
  const fake = await startFakeProcess(['--qr-refs', '10']);
  try {
    const file = join(dir, 'bench.pdf');
    const fileSha = await writeDocument(file, sizeBytes);
    const aws = await createTestAws('media');
    const token = randomBytes(24).toString('hex');
    const host = await startHostProcess({
      env: {
        ...aws.env,
        [ENV.hostId]: 'media-host',
        [ENV.hostPort]: '0',
        [ENV.hostCapacity]: String(sessions + 10),
        [ENV.internalToken]: token,
        [ENV.wsManagementEndpoint]: 'http://127.0.0.1:9/local',
        [ENV.waWebSocketUrl]: fake.info.wsUrl,
        [ENV.waCertPublicKey]: Buffer.from(fake.info.caPublicKey, 'base64').toString('hex'),
        [ENV.logLevel]: 'warn',
        [ENV.mediaBucket]: aws.mediaBucket,
        [ENV.mediaCaFile]: fake.info.mediaCaFile,
        [ENV.mediaUrlDestinations]: 'loopback-http',
        [HOST_LIMIT_ENV.mediaTransferTimeoutMs]: '600000',
      },
      onLog: (line) => {
        if (/"level":(40|50|60)/.test(line)) log(`host: ${line.slice(0, 300)}`);
      },
    });
    const pid = host.child.pid as number;
    await linkSessions({ aws, fake, hostId: 'media-host', idPrefix: 'ses_media', count: sessions });
    const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
    const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
    log(`${sessions} sessions connected; uploading the ${args['size-mb']} MB document to the media bucket`);
    const sessionId = 'ses_media00000';
    const me = (await ownership.get(sessionId))?.me?.phoneNumber as string;
    const contact = (await fake.control<{ pn: string }>('POST', '/users', { name: 'Bench' })).pn;
    const mediaId = newMediaId();
    await new Upload({
      client: aws.s3,
      params: {
        Bucket: aws.mediaBucket,
        Key: mediaObjectKey('bench', sessionId, mediaId),
        Body: createReadStream(file),
        ContentType: 'application/pdf',
      },
    }).done();
    const sendOnce = async (): Promise<boolean> => {
      const res = await fetch(`http://127.0.0.1:${host.port}/internal/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          to: contact,
          messageId: `BENCH${Date.now()}`,
          media: { kind: 'document', source: { mediaId }, fileName: 'bench.pdf' },
        }),
      });
      if (res.status !== 201) throw new Error(`send answered ${res.status}: ${await res.text()}`);
      const { messageId } = (await res.json()) as { messageId: string };
      for (;;) {
        const inbox = await fake.control<{ id: string; media?: { verified: boolean; sha256: string } }[]>(
          'GET',
          `/users/${contact}/inbox`,
        );
        const got = inbox.find((m) => m.id === messageId)?.media;
        if (got) return got.verified && got.sha256 === fileSha;
        await sleep(100);
      }
    };
    const receiveOnce = async (): Promise<boolean> => {
      const { id } = await fake.control<{ id: string }>('POST', `/users/${contact}/media`, {
        to: me,
        kind: 'document',
        mimetype: 'application/pdf',
        filePath: file,
        fileName: 'bench-in.pdf',
      });
      for (;;) {
        const event = (await events.after(sessionId, 0, 10_000)).find(
          (e) => e.type === 'session:message' && e.data.id === id,
        );
        const media = event?.data.media as { sha256?: string; error?: { code: string } } | undefined;
        if (media?.error) throw new Error(`receive failed: ${JSON.stringify(media)}`);
        if (media) return media.sha256 === fileSha;
        await sleep(100);
      }
    };
    // Each trial: an idle window, then the transfer; the median extra is the figure, so a trial that
    // met a full GC cycle's top (or missed one) does not decide it.
    const trial = async (what: string, op: () => Promise<boolean>) => {
      const results: { extraMb: number; seconds: number }[] = [];
      for (let i = 1; i <= args.trials; i++) {
        await sleep(settleMs);
        const idle = await idleWindow(pid, settleMs);
        const run = await peakDuring(pid, op);
        if (!run.result) throw new Error(`${what}: the file did not arrive byte-exact`);
        results.push({ extraMb: run.peakMb - idle.peakMb, seconds: run.seconds });
        log(
          `${what} ${i}/${args.trials}: ${round(run.seconds)} s, peak ${round(run.peakMb)} MB over an idle peak of ${round(idle.peakMb)} MB (mean ${round(idle.meanMb)})`,
        );
      }
      return {
        extraMb: median(results.map((r) => r.extraMb)),
        seconds: median(results.map((r) => r.seconds)),
        trials: results.map((r) => round(r.extraMb)),
      };
    };
    const steadyMb = rssMbOf(pid);
    const send = await trial('send', sendOnce);
    const receive = await trial('receive', receiveOnce);
    await host.stop(60_000);
    aws.destroy();

    log('bare Baileys baseline (in-memory Buffer)');
    const child = fileURLToPath(new URL('./media-bare-child.ts', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        child,
        fake.info.wsUrl,
        fake.info.controlUrl,
        fake.info.caPublicKey,
        fake.info.mediaCaFile,
        file,
        contact,
      ],
      {
        maxBuffer: 1 << 20,
        timeout: 10 * 60_000,
        // Baileys downloads with undici fetch, which ignores fetchAgent: trust the fake's CA from the start.
        env: { ...process.env, NODE_EXTRA_CA_CERTS: fake.info.mediaCaFile },
      },
    );
    const bare = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      sendSeconds: number;
      receiveSeconds: number;
      sendPeakExtraRssMb: number;
      receivePeakExtraRssMb: number;
    };
    const hostPeak = Math.max(send.extraMb, receive.extraMb);
    const barePeak = Math.max(bare.sendPeakExtraRssMb, bare.receivePeakExtraRssMb);
    console.log(
      JSON.stringify({
        sizeMb: args['size-mb'],
        sessions,
        fileBytes: (await stat(file)).size,
        sendSeconds: round(send.seconds),
        receiveSeconds: round(receive.seconds),
        peakExtraRssMb: round(hostPeak),
        boundMb: TRANSFER_PEAK_BOUND_MB,
        withinBound: hostPeak <= TRANSFER_PEAK_BOUND_MB,
        sendPeakExtraRssMb: round(send.extraMb),
        receivePeakExtraRssMb: round(receive.extraMb),
        sendTrialsExtraMb: send.trials,
        receiveTrialsExtraMb: receive.trials,
        hostSteadyMb: round(steadyMb),
        baseline: {
          sendSeconds: round(bare.sendSeconds),
          receiveSeconds: round(bare.receiveSeconds),
          peakExtraRssMb: round(barePeak),
          sendPeakExtraRssMb: round(bare.sendPeakExtraRssMb),
          receivePeakExtraRssMb: round(bare.receivePeakExtraRssMb),
        },
        peakVsBaseline: round(hostPeak / barePeak),
      }),
    );
  } finally {
    await fake.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
