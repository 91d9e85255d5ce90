// Capacity of the fake WhatsApp server: links and connects N real Baileys sockets to the fake
// running in its own process, keeps them open, and prints one JSON line last.
//   npx tsx tests/bench/fake-whatsapp-capacity.ts --sessions 500
import { readFileSync } from 'node:fs';
import { cliArgs } from '../../infra/local/cli-args.ts';
import { type BaileysClient, connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { installCertAuthorityKey } from '../support/fake-whatsapp/cert-authority.ts';
import { type FakeProcess, startFakeProcess } from '../support/fake-whatsapp/fake-process.ts';

const values = cliArgs(
  'fake-whatsapp-capacity',
  'npm run bench -- fake-whatsapp-capacity [--sessions 500] [--concurrency 16]',
  {
    sessions: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
  },
);
const sessions = Number(values.sessions);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(sessions) || sessions < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--sessions and --concurrency must be positive integers');
  process.exit(2);
}

function rssMbOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : Number.NaN;
}

function clientRssMb(): number {
  return Math.round(process.memoryUsage().rss / 104857.6) / 10;
}

let fake: FakeProcess | undefined;
const clients: BaileysClient[] = [];
const killChild = () => {
  if (fake && fake.child.exitCode === null) fake.child.kill('SIGKILL');
};
process.on('exit', killChild);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChild();
    process.exit(130);
  });
}

async function linkAndOpen(wsUrl: string, control: FakeProcess['control']): Promise<BaileysClient> {
  const pairing = connectBaileys({ url: wsUrl });
  try {
    const qr = await pairing.qrs.waitFor(() => true, 60_000, 'qr');
    await control('POST', '/scan', { qr });
    const closed = await pairing.waitForClose(60_000);
    if (closed.statusCode !== 515) throw new Error(`pairing closed with ${closed.statusCode}`);
  } finally {
    pairing.end();
  }
  const client = connectBaileys({ url: wsUrl, auth: pairing.auth });
  clients.push(client);
  await client.waitForOpen(60_000);
  client
    .waitForClose(24 * 3600_000)
    .then(({ statusCode, message }) => {
      if (!finished) lostAfterOpen.push(`${statusCode} ${message}`);
    })
    .catch(() => {});
  return client;
}

const started = Date.now();
/** Close reasons of sockets that were open and closed before the run ended. */
const lostAfterOpen: string[] = [];
let finished = false;
const errors: string[] = [];
let connected = 0;
try {
  fake = await startFakeProcess();
  installCertAuthorityKey(Buffer.from(fake.info.caPublicKey, 'base64'));
  const fakeBaselineMb = rssMbOf(fake.child.pid);
  const clientBaselineMb = clientRssMb();
  const { wsUrl } = fake.info;
  const control = fake.control.bind(fake);
  let next = 0;
  const worker = async () => {
    while (next < sessions) {
      next += 1;
      try {
        await linkAndOpen(wsUrl, control);
        connected += 1;
        if (connected % 50 === 0) console.error(`connected ${connected}/${sessions}`);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sessions) }, worker));
  const devices = await control<Array<{ connected: boolean }>>('GET', '/devices');
  const stillOpen = devices.filter((d) => d.connected).length;
  finished = true;
  for (const reason of lostAfterOpen) errors.push(`open socket closed: ${reason}`);
  if (stillOpen !== connected - lostAfterOpen.length) {
    errors.push(`fake reports ${stillOpen} connected devices, clients ${connected - lostAfterOpen.length}`);
  }
  const open = connected - lostAfterOpen.length;
  const fakeRssMb = rssMbOf(fake.child.pid);
  const clientMb = clientRssMb();
  const result = {
    sessions,
    connected: open,
    errors: errors.length,
    fakeRssMb,
    clientRssMb: clientMb,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    // baselines measured in this run before the first socket, and the cost per open session
    fakeBaselineMb,
    clientBaselineMb,
    fakeMbPerSession: open ? Math.round(((fakeRssMb - fakeBaselineMb) / open) * 100) / 100 : null,
    clientMbPerSession: open ? Math.round(((clientMb - clientBaselineMb) / open) * 100) / 100 : null,
  };
  for (const [index, message] of errors.slice(0, 10).entries())
    console.error(`error ${index + 1}: ${message}`);
  for (const client of clients) client.end();
  await fake.stop();
  console.log(JSON.stringify(result));
  // Ended Baileys sockets leave timers behind (event-buffer and query timeouts); do not wait for them.
  process.exit(0);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  for (const client of clients) client.end();
  killChild();
}
