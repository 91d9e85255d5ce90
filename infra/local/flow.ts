/**
 * `npm run flow -- --url U --token T [--ws-url W] [--scan [--control-url C]
 * [--phone PN] [--contact PN] [--skip-qr-refresh]] [--webhook]`: runs the complete
 * session flow against any running stack and prints each step with its
 * duration. `--scan` links and chats through the demo's fake control API;
 * without it the QR is drawn here and a human scans it and writes a message.
 * `--webhook` registers an in-process loopback receiver as a webhook first
 * and reports, as the last step, what it received (the stack must allow
 * loopback http receivers: the local stack does).
 */
import QRCode from 'qrcode';
import { cliArgs } from './cli-args.ts';
import { runCompleteFlow } from './demo-scenario.ts';

const USAGE =
  'npm run flow -- --url http://127.0.0.1:3000 --token T [--ws-url ws://127.0.0.1:3001/local] [--scan [--control-url http://127.0.0.1:3002] [--phone PN] [--contact PN] [--skip-qr-refresh]] [--name N] [--webhook [--webhook-port P]]';

function fail(message: string): never {
  console.error(`flow: ${message}\nusage: ${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const values = cliArgs('flow', USAGE, {
    url: { type: 'string', default: process.env.ZAPFLEET_API_URL ?? 'http://127.0.0.1:3000' },
    'ws-url': { type: 'string', default: process.env.ZAPFLEET_WS_URL ?? 'ws://127.0.0.1:3001/local' },
    token: { type: 'string' },
    scan: { type: 'boolean', default: false },
    'control-url': { type: 'string', default: 'http://127.0.0.1:3002' },
    phone: { type: 'string', default: '15550000001' },
    contact: { type: 'string', default: '15550000002' },
    'skip-qr-refresh': { type: 'boolean', default: false },
    name: { type: 'string', default: 'flow' },
    webhook: { type: 'boolean', default: false },
    'webhook-port': { type: 'string', default: '0' },
  });
  const webhookPort = Number(values['webhook-port']);
  if (!Number.isInteger(webhookPort) || webhookPort < 0 || webhookPort > 65535)
    fail(`--webhook-port must be a port number, got ${values['webhook-port']}`);
  const token =
    values.token ?? process.env.ZAPFLEET_TOKEN ?? fail('--token T (or ZAPFLEET_TOKEN) is required');
  const started = performance.now();
  console.log(
    `flow against ${values.url} (${values.scan ? `scanning via ${values['control-url']}` : 'a human scans'})`,
  );
  const result = await runCompleteFlow({
    apiUrl: values.url.replace(/\/$/, ''),
    wsUrl: values['ws-url'],
    token,
    sessionName: values.name,
    ...(values.scan && {
      scan: { controlUrl: values['control-url'], phone: values.phone, contact: values.contact },
    }),
    qrRefresh: !values['skip-qr-refresh'],
    ...(values.webhook && { webhook: { port: webhookPort } }),
    onQr: values.scan
      ? undefined
      : async (qr, qrSeq) => {
          console.log(`  qr #${qrSeq}:`);
          console.log(await QRCode.toString(qr, { type: 'terminal', small: true }));
        },
    onPrompt: (text) => console.log(`  → ${text}`),
    onStep: (s) => console.log(`  ✓ ${s.name.padEnd(32)} ${String(s.ms).padStart(6)} ms  ${s.detail}`),
  });
  console.log(
    `flow passed: ${result.steps.length} steps in ${Math.round(performance.now() - started)} ms (session ${result.sessionId})`,
  );
  if (result.webhook)
    console.log(
      `webhook: ${result.webhook.count} deliveries, all verified with standardwebhooks, seq 1..${result.webhook.lastSeq} in order`,
    );
}

main().catch((err: unknown) => {
  console.error(`  ✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
