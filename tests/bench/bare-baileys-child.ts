/**
 * The baseline for `npm run bench -- density`: N bare Baileys sockets with
 * in-memory auth state, linked and connected to the fake in another process.
 * Prints one JSON line: resident memory before any socket and after all are open.
 */
import { readFileSync } from 'node:fs';
import { type BaileysClient, connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { installCertAuthorityKey } from '../support/fake-whatsapp/cert-authority.ts';

const [wsUrl, controlUrl, caKey, count, settleMs] = process.argv.slice(2);
installCertAuthorityKey(Buffer.from(caKey as string, 'base64'));

const rssMb = (): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1]) / 1024;
};

const scan = async (qr: string): Promise<void> => {
  const res = await fetch(`${controlUrl}/scan`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ qr }),
  });
  if (!res.ok) throw new Error(`scan failed: ${res.status}`);
};

async function linkAndOpen(): Promise<BaileysClient> {
  const pairing = connectBaileys({ url: wsUrl as string });
  const qr = await pairing.qrs.waitFor(() => true, 60_000, 'qr');
  await scan(qr);
  await pairing.waitForClose(60_000);
  pairing.end();
  const client = connectBaileys({ url: wsUrl as string, auth: pairing.auth });
  await client.waitForOpen(60_000);
  return client;
}

await new Promise((r) => setTimeout(r, Number(settleMs)));
const empty = rssMb();
const clients: BaileysClient[] = [];
let next = 0;
const total = Number(count);
const worker = async (): Promise<void> => {
  while (next < total) {
    next++;
    clients.push(await linkAndOpen());
  }
};
await Promise.all(Array.from({ length: 8 }, worker));
await new Promise((r) => setTimeout(r, Number(settleMs)));
console.log(JSON.stringify({ emptyMb: empty, rssMb: rssMb(), connected: clients.length }));
for (const c of clients) c.end();
process.exit(0);
