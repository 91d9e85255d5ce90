/**
 * `npm start`: the local runtime. Ctrl-C (or SIGTERM, or a crash) stops every
 * child process it started.
 */
import { VERSION } from '#commons/version.ts';
import { cliArgs } from './cli-args.ts';
import { LOCAL_STACK_FLAGS, loadLocalConfig } from './local-config.ts';
import { startLocalStack } from './local-stack.ts';

const log = (msg: string): void => console.log(`[zapfleet] ${msg}`);

async function main(): Promise<void> {
  const flags = cliArgs('start', 'npm start -- [--hosts N]', LOCAL_STACK_FLAGS);
  const config = loadLocalConfig(process.env, flags);
  log(`starting local stack v${VERSION} with ${config.hosts} session host(s) against real WhatsApp`);
  const stack = await startLocalStack(config, log, { hosts: config.hosts });
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('uncaughtException', (err) => {
    console.error(err);
    void shutdown('uncaught exception');
  });
  console.log(
    [
      '',
      `  zapfleet ${VERSION} — local stack ready`,
      '',
      `  dashboard     ${stack.dashboardUrl}   (sign in with a token from npm run token)`,
      `  HTTP API      ${stack.apiUrl}`,
      `  WebSocket     ${stack.wsUrl}?token=...`,
      `  hosts         ${[...stack.hosts.entries()].map(([id, h]) => `${id} (:${h.port})`).join(', ') || 'none'}`,
      `  health        ${stack.apiUrl}/v1/health`,
      `  API docs      ${stack.apiUrl}/docs`,
      `  OpenAPI       ${stack.apiUrl}/v1/openapi.json`,
      `  DynamoDB      ${stack.aws.dynamodbEndpoint}${stack.aws.external ? ' (external)' : ' (DynamoDB Local)'}`,
      `  S3            ${stack.aws.s3Endpoint}${stack.aws.external ? ' (external)' : ' (s3rver)'}`,
      '',
      `  Get a token (HS256 secret in ${config.stateDir}/secrets.json, created on first start):`,
      '    TOKEN=$(npm run -s token -- --tenant acme --role ADMIN --ttl 1h)',
      `    curl -s -H "authorization: Bearer $TOKEN" ${stack.apiUrl}/v1/sessions`,
      '    ZAPFLEET_TOKEN=$TOKEN npm run ws-client -- --session <id>   # live events, QR in the terminal',
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(`[zapfleet] failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
