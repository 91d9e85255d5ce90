/**
 * Baseline (a) of `npm run bench -- latency`: one bare Baileys socket with
 * in-memory auth, linked to the fake as `phone`. Prints `{"ready":true}` once
 * open, then one line per upserted message: its text and the wall-clock time
 * (ms, sub-ms precision, comparable across processes on one machine) at which
 * Baileys emitted it.
 */
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { installCertAuthorityKey } from '../support/fake-whatsapp/cert-authority.ts';

const [wsUrl, controlUrl, caKey, phone] = process.argv.slice(2);
installCertAuthorityKey(Buffer.from(caKey as string, 'base64'));
// The parent closes our stdin when it goes, however it goes: never outlive it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const scan = async (qr: string): Promise<void> => {
  const res = await fetch(`${controlUrl}/scan`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ qr, phone }),
  });
  if (!res.ok) throw new Error(`scan failed: ${res.status}`);
};

const pairing = connectBaileys({ url: wsUrl as string });
await scan(await pairing.qrs.waitFor(() => true, 60_000, 'qr'));
await pairing.waitForClose(60_000);
pairing.end();
const client = connectBaileys({ url: wsUrl as string, auth: pairing.auth });
client.sock.ev.on('messages.upsert', ({ messages }) => {
  const at = performance.timeOrigin + performance.now();
  for (const m of messages) {
    const text = m.message?.conversation ?? m.message?.extendedTextMessage?.text;
    if (text) process.stdout.write(`${JSON.stringify({ text, at })}\n`);
  }
});
await client.waitForOpen(60_000);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
