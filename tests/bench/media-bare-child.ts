/**
 * The baseline for `npm run bench -- media`: one bare Baileys socket (in-memory
 * auth) linked to the fake in this process, sending the file from an
 * in-memory Buffer and downloading the contact's copy as a Buffer, as a
 * gateway without streaming does. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import { type BaileysClient, connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { installCertAuthorityKey } from '../support/fake-whatsapp/cert-authority.ts';

const [wsUrl, controlUrl, caKey, caFile, filePath, contact] = process.argv.slice(2) as string[];
installCertAuthorityKey(Buffer.from(caKey as string, 'base64'));
const caPem = readFileSync(caFile as string, 'utf8');

const rssMb = (): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function linkAndOpen(): Promise<BaileysClient> {
  const fetchAgent = new Agent({ ca: [caPem], keepAlive: true });
  const pairing = connectBaileys({ url: wsUrl as string, config: { fetchAgent } });
  const qr = await pairing.qrs.waitFor(() => true, 60_000, 'qr');
  await control('POST', '/scan', { qr });
  await pairing.waitForClose(60_000);
  pairing.end();
  const client = connectBaileys({ url: wsUrl as string, auth: pairing.auth, config: { fetchAgent } });
  await client.waitForOpen(60_000);
  return client;
}

/** Peak RSS while `op` runs, sampled every 20 ms. */
async function peakDuring<T>(op: () => Promise<T>): Promise<{ result: T; peakMb: number; seconds: number }> {
  let peak = rssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 20);
  const started = performance.now();
  try {
    const result = await op();
    return { result, peakMb: Math.max(peak, rssMb()), seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

const client = await linkAndOpen();
const me = client.sock.user?.id.split(':')[0]?.split('@')[0] as string;
await new Promise((r) => setTimeout(r, 3_000));
global.gc?.();
const steadyMb = rssMb();

const send = await peakDuring(async () => {
  const buffer = await readFile(filePath as string);
  const sent = await client.sock.sendMessage(`${contact}@s.whatsapp.net`, {
    document: buffer,
    mimetype: 'application/pdf',
    fileName: 'bench.pdf',
  });
  for (;;) {
    const inbox = await control<{ id: string; media?: { verified: boolean } }[]>(
      'GET',
      `/users/${contact}/inbox`,
    );
    const got = inbox.find((m) => m.id === sent?.key.id);
    if (got?.media) return got.media.verified;
    await new Promise((r) => setTimeout(r, 100));
  }
});
global.gc?.();
await new Promise((r) => setTimeout(r, 2_000));
const beforeReceiveMb = rssMb();

const receive = await peakDuring(async () => {
  const arrived = new Promise<WAMessage>((resolve) => {
    client.sock.ev.on('messages.upsert', ({ messages }) => {
      const m = messages.find((x) => x.message?.documentMessage);
      if (m) resolve(m);
    });
  });
  await control('POST', `/users/${contact}/media`, {
    to: me,
    kind: 'document',
    mimetype: 'application/pdf',
    filePath,
    fileName: 'bench-in.pdf',
  });
  const message = await arrived;
  const bytes = (await downloadMediaMessage(message, 'buffer', {})) as Buffer;
  return bytes.length;
});

console.log(
  JSON.stringify({
    sendSeconds: send.seconds,
    receiveSeconds: receive.seconds,
    sendPeakExtraRssMb: send.peakMb - steadyMb,
    receivePeakExtraRssMb: receive.peakMb - beforeReceiveMb,
    verified: send.result,
    receivedBytes: receive.result,
  }),
);
client.end();
process.exit(0);
