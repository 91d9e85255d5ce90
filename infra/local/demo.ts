/**
 * `npm run demo`: the local stack against the fake WhatsApp server instead of
 * real WhatsApp, with a simulated phone and two contacts driven through the
 * fake's HTTP control API on loopback. A loopback webhook receiver gets every
 * event of the demo tenant and prints it. Ctrl-C (or SIGTERM) stops everything.
 */
import { ENV } from '#commons/config/env-names.ts';
import { VERSION } from '#commons/version.ts';
import { startControlServer } from '#tests/support/fake-whatsapp/control-http.ts';
import { createFakeWhatsApp } from '#tests/support/fake-whatsapp/server.ts';
import { cliArgs } from './cli-args.ts';
import { type DemoInfo, demoBanner } from './demo-banner.ts';
import { startDemoWebhook } from './demo-webhook.ts';
import { LOCAL_STACK_FLAGS, loadLocalConfig } from './local-config.ts';
import { startLocalStack } from './local-stack.ts';
import { signLocalToken } from './token.ts';

/** Port of the fake's control API; 0 picks a free one (the machine-readable line tells which). */
export const FAKE_CONTROL_PORT_ENV = 'ZAPFLEET_FAKE_CONTROL_PORT';
const DEFAULT_CONTROL_PORT = 3002;
const DEMO_TENANT = 'demo';
const TOKEN_TTL_SECONDS = 12 * 3600;
/** QRs refresh every 20 s in the demo (Baileys' first one lives 60 s); ZAPFLEET_QR_TIMEOUT_MS overrides. */
const DEMO_QR_TIMEOUT_MS = '20000';

const log = (msg: string): void => console.log(`[zapfleet] ${msg}`);

function controlPort(env: NodeJS.ProcessEnv): number {
  const raw = env[FAKE_CONTROL_PORT_ENV];
  if (raw === undefined || raw === '') return DEFAULT_CONTROL_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${FAKE_CONTROL_PORT_ENV} must be a port number (0 picks a free one), got ${raw}`);
  return port;
}

const stops: (() => Promise<void>)[] = [];
let stopping = false;

async function shutdown(reason: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${reason}: stopping`);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}

async function main(): Promise<void> {
  const flags = cliArgs('demo', 'npm run demo -- [--hosts N]', LOCAL_STACK_FLAGS);
  const config = loadLocalConfig(process.env, flags);
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('uncaughtException', (err) => {
    console.error(err);
    void shutdown('uncaught exception', 1);
  });

  const fake = await createFakeWhatsApp();
  stops.push(() => fake.close());
  const control = await startControlServer(fake, { port: controlPort(process.env) });
  stops.push(() => control.close());
  const phone = fake.createUser({ pn: '15550000001', name: 'Demo Phone' });
  const contacts = [
    fake.createUser({ pn: '15550000002', name: 'Alice' }),
    fake.createUser({ pn: '15550000003', name: 'Bob' }),
  ];

  log(`starting local stack v${VERSION} with ${config.hosts} session host(s) against the fake WhatsApp`);
  const stack = await startLocalStack(config, log, {
    hosts: config.hosts,
    whatsapp: {
      url: fake.url,
      caPublicKeyHex: fake.caPublicKey.toString('hex'),
      mediaCaFile: fake.media.caFile,
    },
    hostEnv: { [ENV.qrTimeoutMs]: process.env[ENV.qrTimeoutMs] ?? DEMO_QR_TIMEOUT_MS },
  });
  stops.push(() => stack.stop());
  if (stopping) return;

  const token = await signLocalToken(config.stateDir, {
    tenant: DEMO_TENANT,
    role: 'ADMIN',
    ttlSeconds: TOKEN_TTL_SECONDS,
  });
  const webhook = await startDemoWebhook(stack.apiUrl, token, log);
  if (webhook) stops.push(() => webhook.close());
  const info: DemoInfo = {
    apiUrl: stack.apiUrl,
    wsUrl: stack.wsUrl,
    dashboardUrl: stack.dashboardUrl,
    signInUrl: stack.signInLink(token),
    controlUrl: control.url,
    tenant: DEMO_TENANT,
    token,
    stateDir: config.stateDir,
    phone: { pn: phone.pn, name: phone.name },
    contacts: contacts.map((c) => ({ pn: c.pn, name: c.name })),
    hosts: [...stack.hosts.keys()],
    storage: { s3Endpoint: stack.aws.s3Endpoint, mediaBucket: stack.env[ENV.mediaBucket] ?? '' },
    ...(webhook && { webhook: { url: webhook.url, id: webhook.endpointId } }),
  };
  console.log(demoBanner(info, VERSION));
  // One machine-readable line for scripts and the end-to-end test (ports may have been picked at random).
  console.log(JSON.stringify({ demo: info }));
}

main().catch((err: unknown) => {
  console.error(`[zapfleet] demo failed to start: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown('start failed', 1);
});
