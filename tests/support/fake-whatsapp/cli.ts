import { cliArgs } from '../../../infra/local/cli-args.ts';
import { startControlServer } from './control-http.ts';
import { createFakeWhatsApp } from './server.ts';

// Process mode: `npx tsx tests/support/fake-whatsapp/cli.ts --port 0 --control-port 0`
// prints one JSON line with the chosen ports, then serves until SIGINT/SIGTERM.
const values = cliArgs(
  'fake-whatsapp',
  'npx tsx tests/support/fake-whatsapp/cli.ts [--port 0] [--control-port 0] [--qr-refs N] [--qr-ref-ttl-ms MS] [--history-sync-on-first-login] [--exit-with-stdin]',
  {
    port: { type: 'string', default: '0' },
    'control-port': { type: 'string', default: '0' },
    'qr-refs': { type: 'string' },
    'qr-ref-ttl-ms': { type: 'string' },
    'history-sync-on-first-login': { type: 'boolean', default: false },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
);

function toInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return parsed;
}

const fake = await createFakeWhatsApp({
  port: toInt('port', values.port),
  qrRefs: toInt('qr-refs', values['qr-refs']),
  qrRefTtlMs: toInt('qr-ref-ttl-ms', values['qr-ref-ttl-ms']),
  historySyncOnFirstLogin: values['history-sync-on-first-login'],
});
const control = await startControlServer(fake, { port: toInt('control-port', values['control-port']) });

process.stdout.write(
  `${JSON.stringify({
    wsUrl: fake.url,
    port: fake.port,
    controlPort: control.port,
    controlUrl: control.url,
    caPublicKey: fake.caPublicKey.toString('base64'),
    mediaHost: fake.media.hostname,
    mediaCaFile: fake.media.caFile,
  })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await control.close();
  await fake.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// Started by another process with a pipe on stdin (--exit-with-stdin): never outlive it.
if (values['exit-with-stdin']) {
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
}
