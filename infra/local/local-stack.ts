import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ENV } from '#commons/config/env-names.ts';
import { composeApi } from '../../functions/api/compose.ts';
import { createLocalResources, type EmbeddedAws, startEmbeddedAws } from './aws/embedded-aws.ts';
import { formatHostLog } from './host-logs.ts';
import { type HostProcess, startHostProcess } from './host-process.ts';
import type { LocalConfig } from './local-config.ts';
import { createLocalDashboard, routeDashboard, signInLink } from './local-dashboard.ts';
import { ensureLocalSecrets } from './local-secrets.ts';
import { startLocalWebSocketApi } from './local-ws-gateway.ts';
import { startLocalWebhookDispatcher } from './webhook-dispatcher.ts';

/** Where session hosts reach WhatsApp: real WhatsApp by default, the fake in demo mode and tests. */
export interface WhatsAppTarget {
  readonly url: string;
  /** Hex root key of the fake's certificate chain. */
  readonly caPublicKeyHex: string;
  /** PEM file of the CA the fake's HTTPS media host is signed with; without it no media reaches the fake. */
  readonly mediaCaFile?: string | undefined;
}

export interface LocalStackOptions {
  /** Session-host processes to run (0 runs none). */
  readonly hosts: number;
  readonly whatsapp?: WhatsAppTarget | undefined;
  /** Extra environment for the host processes (shorter leases in tests, log level). */
  readonly hostEnv?: Record<string, string>;
  /** Receives each host log line; defaults to printing a short human line. */
  readonly onHostLog?: (hostId: string, line: string) => void;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly wsUrl: string;
  readonly aws: EmbeddedAws;
  readonly env: Record<string, string>;
  readonly hosts: Map<string, HostProcess>;
  /** The dashboard's address on the API server. */
  readonly dashboardUrl: string;
  /** A link to the dashboard that signs in with `token` once, within a few minutes. */
  signInLink(token: string): string;
  /** Starts one more host process (`local-host-N`). */
  addHost(): Promise<HostProcess>;
  stop(): Promise<void>;
}

/**
 * Runs the whole system on this machine: embedded AWS, the HTTP API, the
 * WebSocket gateway and N session-host processes. Every child process is
 * tied to this one and stops with it.
 */
export async function startLocalStack(
  config: LocalConfig,
  log: (msg: string) => void,
  options: LocalStackOptions = { hosts: 1 },
): Promise<LocalStack> {
  const aws = await startEmbeddedAws({
    dynamodbPort: config.dynamodbPort,
    s3Port: config.s3Port,
    cacheDir: config.cacheDir,
    externalEndpoint: config.externalEndpoint,
    log,
  });
  const stops: (() => Promise<void>)[] = [() => aws.stop()];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const resources = await createLocalResources(aws, 'zapfleet');
    // Secrets come from the git-ignored state folder, created on the first start.
    const env = {
      ...resources.env,
      ...ensureLocalSecrets(config.stateDir),
      [ENV.operatorTenant]: config.operatorTenant,
      // Local mode: webhooks may go to loopback receivers over http (npm run webhook-receiver).
      [ENV.webhookDestinations]: 'loopback-http',
      // Local mode: media URLs on loopback may be sent (a file served from this machine).
      [ENV.mediaUrlDestinations]: 'loopback-http',
    };
    const gateway = await startLocalWebSocketApi(config.wsPort, env, log);
    stops.push(() => gateway.stop());
    const { app } = composeApi({ ...process.env, ...env });
    const dashboard = await createLocalDashboard({ ...process.env, ...env }, gateway.url, log);
    const fetch = routeDashboard(dashboard.app, app.fetch);
    const server = serve({ fetch, port: config.apiPort, hostname: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;

    const webhooks = await startLocalWebhookDispatcher({ ...process.env, ...env });
    stops.push(() => webhooks.stop());

    const hosts = new Map<string, HostProcess>();
    stops.push(async () => {
      // Stopping the whole stack: close sessions without handing them around; they resume next start.
      await Promise.allSettled([...hosts.values()].map((h) => h.stop(30_000, 'SIGINT')));
    });
    const hostEnv: Record<string, string> = {
      ...env,
      [ENV.wsManagementEndpoint]: gateway.managementEndpoint,
      [ENV.hostPort]: '0',
      ...(options.whatsapp && {
        [ENV.waWebSocketUrl]: options.whatsapp.url,
        [ENV.waCertPublicKey]: options.whatsapp.caPublicKeyHex,
        ...(options.whatsapp.mediaCaFile && { [ENV.mediaCaFile]: options.whatsapp.mediaCaFile }),
      }),
      ...options.hostEnv,
    };
    const addHost = async (): Promise<HostProcess> => {
      const hostId = `local-host-${hosts.size + 1}`;
      const host = await startHostProcess({
        env: { ...hostEnv, [ENV.hostId]: hostId },
        onLog: (line) =>
          options.onHostLog
            ? options.onHostLog(hostId, line)
            : console.log(formatHostLog(`[${hostId}]`, line)),
      });
      hosts.set(hostId, host);
      return host;
    };
    for (let i = 0; i < options.hosts; i++) await addHost();
    const apiUrl = `http://127.0.0.1:${port}`;
    return {
      apiUrl,
      wsUrl: gateway.url,
      aws,
      env,
      hosts,
      dashboardUrl: `${apiUrl}/dashboard`,
      signInLink: (token) => signInLink(apiUrl, dashboard.signInCodes.issue(token)),
      addHost,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
