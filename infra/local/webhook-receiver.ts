/**
 * A loopback webhook receiver that verifies every delivery with the
 * published `standardwebhooks` library and prints each event:
 * `npm run webhook-receiver -- --secret whsec_… [--port 3100]`.
 * Tests use `startWebhookReceiver` to count and order what arrives.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  readonly id: string;
  readonly body: string;
  readonly event: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** Whether `standardwebhooks` verified it with the receiver's secret(s). */
  readonly verified: boolean;
  readonly receivedAt: number;
}

/** What to answer a delivery: a status, or 'hang' to never answer. */
export type Responder = (delivery: ReceivedDelivery) => number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  readonly deliveries: ReceivedDelivery[];
  /** Deliveries answered with 2xx, in arrival order. */
  readonly acknowledged: ReceivedDelivery[];
  respond: Responder;
  secrets: string[];
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
  );
}

export async function startWebhookReceiver(options: {
  secrets: string[];
  port?: number;
  path?: string;
  respond?: Responder;
  onDelivery?: (d: ReceivedDelivery) => void;
}): Promise<WebhookReceiver> {
  const hung = new Set<import('node:http').ServerResponse>();
  const receiver = {
    deliveries: [] as ReceivedDelivery[],
    acknowledged: [] as ReceivedDelivery[],
    respond: options.respond ?? (() => 204),
    secrets: options.secrets,
  } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = headersOf(req);
      // The three lines a tenant's receiver needs: new Webhook(secret).verify(body, headers).
      const verified = receiver.secrets.some((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      let event: Record<string, unknown> = {};
      try {
        event = JSON.parse(body) as Record<string, unknown>;
      } catch {}
      const delivery: ReceivedDelivery = {
        id: headers['webhook-id'] ?? '',
        body,
        event,
        headers,
        verified,
        receivedAt: performance.now(),
      };
      receiver.deliveries.push(delivery);
      options.onDelivery?.(delivery);
      const answer = verified ? receiver.respond(delivery) : 401;
      if (answer === 'hang') {
        hung.add(res);
        return;
      }
      if (answer >= 200 && answer < 300) receiver.acknowledged.push(delivery);
      res.writeHead(answer, answer >= 300 && answer < 400 ? { location: 'http://10.0.0.1/' } : {});
      res.end(verified ? 'ok' : 'signature mismatch');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${options.path ?? '/hooks'}`,
    port,
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return receiver;
}

/** One line per delivery for a terminal; a QR string is never printed. */
export function describeDelivery(d: ReceivedDelivery): string {
  const e = d.event as { type?: string; sessionId?: string; seq?: number; data?: unknown };
  const data = { ...(e.data as object), ...(e.type === 'qr' && { qr: '[not printed]' }) };
  return `${d.verified ? 'verified' : 'REJECTED (bad signature)'} ${d.id} ${e.type ?? '?'} ${e.sessionId ?? ''} seq=${e.seq ?? '-'} ${JSON.stringify(data).slice(0, 200)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      secret: { type: 'string', multiple: true },
      port: { type: 'string', default: '3100' },
    },
  });
  if (!values.secret?.length) {
    console.error('usage: npm run webhook-receiver -- --secret whsec_… [--secret …] [--port 3100]');
    process.exit(2);
  }
  const receiver = await startWebhookReceiver({
    secrets: values.secret,
    port: Number(values.port),
    onDelivery: (d) => console.log(describeDelivery(d)),
  });
  console.log(`webhook receiver on ${receiver.url} (verifying with standardwebhooks)`);
  const stop = (): void => void receiver.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
