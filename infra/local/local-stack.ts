import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { composeApi } from '../../functions/api/compose.ts';
import { createLocalResources, type EmbeddedAws, startEmbeddedAws } from './aws/embedded-aws.ts';
import type { LocalConfig } from './local-config.ts';
import { ensureLocalSecrets } from './local-secrets.ts';

export interface LocalStack {
  readonly apiUrl: string;
  readonly aws: EmbeddedAws;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Runs the whole system on this machine: embedded AWS, the HTTP API. Later
 * parts (WebSocket gateway, session hosts) attach here.
 */
export async function startLocalStack(config: LocalConfig, log: (msg: string) => void): Promise<LocalStack> {
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
    const env = { ...resources.env, ...ensureLocalSecrets(config.stateDir) };
    const { app } = composeApi({ ...process.env, ...env });
    const server = serve({ fetch: app.fetch, port: config.apiPort, hostname: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    return { apiUrl: `http://127.0.0.1:${port}`, aws, env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
