/**
 * `npm run bench -- density [--sessions N] [--settle-ms MS]`: resident memory
 * per connected session of a real session-host process (S3 auth state,
 * DynamoDB, events) above the same process with no session, beside bare
 * Baileys sockets with in-memory auth measured in the same run. The fake
 * WhatsApp server runs in its own process. JSON on the last line.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENV } from '#commons/config/env-names.ts';
import { startHostProcess } from '../../infra/local/host-process.ts';
import { createTestAws } from '../support/aws.ts';
import { startFakeProcess } from '../support/fake-whatsapp/fake-process.ts';
import { benchArgs, withEmbeddedAws } from './bench-support.ts';
import { linkSessions, rssMbOf } from './link-sessions.ts';

const run = promisify(execFile);
const round = (n: number): number => Math.round(n * 100) / 100;
const log = (msg: string): void => console.error(`[density] ${msg}`);

const args = benchArgs('density', { sessions: 100, 'settle-ms': 10_000 });

await withEmbeddedAws(async () => {
  const sessions = args.sessions;
  const settleMs = args['settle-ms'];
  const fake = await startFakeProcess(['--qr-refs', '10']);
  try {
    const aws = await createTestAws('density');
    const host = await startHostProcess({
      env: {
        ...aws.env,
        [ENV.hostId]: 'density-host',
        [ENV.hostPort]: '0',
        [ENV.hostCapacity]: String(sessions + 10),
        [ENV.internalToken]: randomBytes(24).toString('hex'),
        [ENV.wsManagementEndpoint]: 'http://127.0.0.1:9/local',
        [ENV.waWebSocketUrl]: fake.info.wsUrl,
        [ENV.waCertPublicKey]: Buffer.from(fake.info.caPublicKey, 'base64').toString('hex'),
        [ENV.reconcileIntervalMs]: '1000',
        [ENV.logLevel]: 'warn',
      },
      onLog: () => undefined,
    });
    const pid = host.child.pid as number;
    await new Promise((r) => setTimeout(r, settleMs));
    const emptyMb = rssMbOf(pid);
    log(`empty host ${round(emptyMb)} MB; linking ${sessions} sessions`);

    const started = Date.now();
    await linkSessions({
      aws,
      fake,
      hostId: 'density-host',
      idPrefix: 'ses_density',
      count: sessions,
      onLinked: (linked) => {
        if (linked % 50 === 0) log(`connected ${linked}/${sessions}`);
      },
    });
    const linkSeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, settleMs));
    const fullMb = rssMbOf(pid);
    await host.stop(60_000);
    aws.destroy();

    log(`host ${round(fullMb)} MB with ${sessions} sessions; now bare Baileys`);
    const child = fileURLToPath(new URL('./bare-baileys-child.ts', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        child,
        fake.info.wsUrl,
        fake.info.controlUrl,
        fake.info.caPublicKey,
        String(sessions),
        String(settleMs),
      ],
      { maxBuffer: 1 << 20, timeout: 30 * 60_000 },
    );
    const bare = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      emptyMb: number;
      rssMb: number;
      connected: number;
    };
    console.log(
      JSON.stringify({
        sessions,
        perSessionMb: round((fullMb - emptyMb) / sessions),
        bareBaileysPerSessionMb: round((bare.rssMb - bare.emptyMb) / bare.connected),
        hostEmptyMb: round(emptyMb),
        hostMb: round(fullMb),
        bareEmptyMb: round(bare.emptyMb),
        bareMb: round(bare.rssMb),
        linkSeconds: round(linkSeconds),
      }),
    );
  } finally {
    await fake.stop();
  }
});
