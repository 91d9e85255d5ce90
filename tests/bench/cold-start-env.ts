/**
 * The environment a deployed zapfleet Lambda has at init (see
 * infra/stacks/api-stack.ts), with AWS's own variables, for the cold-start
 * bench: the composition roots read and check it at import.
 */
import { ENV } from '#commons/config/env-names.ts';
import { localTableNames, resourceEnvironment } from '#commons/storage/tables.ts';
import type { LambdaName } from '../../infra/constructs/lambda-bundle.ts';

/** What a deployed function has in its environment at init (see infra/stacks/api-stack.ts). */
export const BARE_ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIABENCHCOLDSTART00',
  AWS_SECRET_ACCESS_KEY: 'bench-cold-start-not-a-secret',
  AWS_SESSION_TOKEN: 'bench-cold-start-session',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  NODE_ENV: 'production',
  // The SDK's Node 20 deprecation notice: the Lambda runtime is Node 22, which has none.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...resourceEnvironment(localTableNames('zapfleet-'), 'zapfleet-auth', 'zapfleet-media'),
  [ENV.jwksUrl]: 'https://idp.example.com/.well-known/jwks.json',
  [ENV.jwtIssuer]: 'https://idp.example.com/',
  [ENV.jwtAudience]: 'zapfleet',
  [ENV.tenantClaim]: 'tenant',
  [ENV.roleClaim]: 'role',
  [ENV.logLevel]: 'info',
};

const LAMBDA_ENV: Record<LambdaName, Record<string, string>> = {
  api: {
    [ENV.hostRequestTimeoutMs]: '10000',
    [ENV.internalTokenSecretArn]:
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zapfleet-internal-AbCdEf',
    // The API starts reading the secret at init; a closed local port keeps that request on this machine.
    AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
  },
  ws: { [ENV.wsManagementEndpoint]: 'https://abc123.execute-api.eu-west-1.amazonaws.com/live' },
  webhooks: {},
};

export function lambdaInitEnv(name: LambdaName): Record<string, string> {
  return { ...BARE_ENV, ...LAMBDA_ENV[name] };
}
