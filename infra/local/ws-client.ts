/**
 * `npm run ws-client -- --session ID [--url U] [--after SEQ]` with the token in
 * ZAPFLEET_TOKEN (kept out of npm's echoed script line), `--token T` or stdin:
 * subscribes to one session's events, prints each as it arrives and draws a
 * live QR in the terminal. Reconnects with `after` = the last seq it saw, so
 * nothing is missed across a dropped connection, and replays a gap in the
 * live stream (a post that failed) the same way; duplicates are dropped by seq.
 */
import { readFileSync } from 'node:fs';
import QRCode from 'qrcode';
import WebSocket from 'ws';
import { cliArgs } from './cli-args.ts';

const USAGE =
  'npm run ws-client -- --session ID [--url U] [--after SEQ] [--raw]  (token from ZAPFLEET_TOKEN, --token T, or stdin)';
const values = cliArgs('ws-client', USAGE, {
  session: { type: 'string' },
  token: { type: 'string' },
  url: { type: 'string', default: process.env.ZAPFLEET_WS_URL ?? 'ws://127.0.0.1:3001/local' },
  after: { type: 'string' },
  raw: { type: 'boolean', default: false },
});

function fail(message: string): never {
  console.error(`ws-client: ${message}`);
  process.exit(2);
}

const sessionId = values.session ?? fail('--session ID is required');
const token = values.token ?? process.env.ZAPFLEET_TOKEN ?? readTokenFromStdin();
if (!token)
  fail('--token T (or ZAPFLEET_TOKEN) is required; get one with `npm run token -- --tenant T --role ADMIN`');

function readTokenFromStdin(): string | undefined {
  if (process.stdin.isTTY) return undefined;
  try {
    return readFileSync(0, 'utf8').trim().split('\n').pop();
  } catch {
    return undefined;
  }
}

let lastSeq = values.after !== undefined ? Number(values.after) : undefined;
let attempt = 0;
const time = (): string => new Date().toISOString().slice(11, 23);

async function show(message: Record<string, unknown>): Promise<void> {
  if (values.raw) return void console.log(JSON.stringify(message));
  const type = String(message.type);
  const data = (message.data ?? {}) as Record<string, unknown>;
  if (type === 'qr' && typeof data.qr === 'string') {
    console.log(
      `${time()} qr #${data.qrSeq} (expires ${data.expiresAt}) — scan with WhatsApp > Linked devices`,
    );
    console.log(await QRCode.toString(data.qr, { type: 'terminal', small: true }));
    return;
  }
  const seq = message.seq !== undefined ? ` seq=${message.seq}` : '';
  const flags = message.snapshot
    ? ' (snapshot)'
    : message.truncated
      ? ` (truncated: GET ${message.href})`
      : '';
  const body = type === 'error' ? `${message.code}: ${message.message}` : JSON.stringify(data);
  console.log(`${time()} ${type}${seq}${flags} ${body === '{}' ? '' : body}`);
}

function connect(): void {
  const url = new URL(values.url as string);
  url.searchParams.set('token', token as string);
  const socket = new WebSocket(url);
  socket.on('unexpected-response', (_req, res) => {
    fail(`connection refused with HTTP ${res.statusCode} (token expired or not allowed?)`);
  });
  // Until `subscribed` arrives, replayed and live events may interleave: hold them, then sort by seq.
  let held: Record<string, unknown>[] | undefined = [];
  socket.on('open', () => {
    attempt = 0;
    console.error(`${time()} connected to ${values.url}; subscribing to ${sessionId}`);
    socket.send(
      JSON.stringify({ action: 'subscribe', sessionId, ...(lastSeq !== undefined && { after: lastSeq }) }),
    );
  });
  socket.on('message', (data: Buffer) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (held && message.type !== 'subscribed' && message.type !== 'error') {
      held.push(message);
      return;
    }
    const seqOf = (m: Record<string, unknown>): number =>
      typeof m.seq === 'number' && !m.snapshot ? m.seq : Number.POSITIVE_INFINITY;
    const batch = [...(held ?? []).sort((a, b) => seqOf(a) - seqOf(b)), message];
    held = undefined;
    for (const [i, m] of batch.entries()) {
      const seq = seqOf(m);
      if (Number.isFinite(seq)) {
        if (lastSeq !== undefined && seq <= lastSeq) continue;
        if (lastSeq !== undefined && seq > lastSeq + 1) {
          // A live post was lost on its way (the event is in the log): replay the gap, holding the rest.
          console.error(`${time()} seq ${seq} skipped ${lastSeq + 1}–${seq - 1}; replaying the gap`);
          held = batch.slice(i).filter((h) => h.type !== 'subscribed');
          socket.send(JSON.stringify({ action: 'subscribe', sessionId, after: lastSeq }));
          return;
        }
        lastSeq = seq;
      }
      void show(m);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', (code) => {
    const delay = Math.min(30_000, 500 * 2 ** attempt++) * (0.5 + Math.random() / 2);
    console.error(
      `${time()} closed (${code}); reconnecting in ${Math.round(delay)} ms from seq ${lastSeq ?? 0}`,
    );
    setTimeout(connect, delay);
  });
  process.once('SIGINT', () => {
    socket.removeAllListeners('close');
    socket.close();
    process.exit(0);
  });
}

connect();
