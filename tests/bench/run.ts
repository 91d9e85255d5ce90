/**
 * `npm run bench -- <name> [options]`: runs one benchmark script. Each prints
 * progress on stderr and its figures as JSON on the last line of stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const BENCHES: Record<string, string> = {
  fanout: 'fanout.ts',
  latency: 'latency.ts',
  density: 'density.ts',
  'auth-io': 'auth-io.ts',
  'receipt-window': 'receipt-window.ts',
  failover: 'failover.ts',
  'fake-whatsapp-capacity': 'fake-whatsapp-capacity.ts',
  'lease-simulation': 'lease-simulation.ts',
  webhooks: 'webhooks.ts',
  'send-pacing': 'send-pacing.ts',
  media: 'media.ts',
  chaos: 'chaos.ts',
  'cold-start': 'cold-start.ts',
  soak: 'soak.ts',
};

const [name, ...rest] = process.argv.slice(2);
const file = name ? BENCHES[name] : undefined;
if (!file || !existsSync(resolve(import.meta.dirname, file))) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]`);
  process.exit(2);
}
const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, file), ...rest], {
  stdio: 'inherit',
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
child.on('exit', (code) => process.exit(code ?? 1));
