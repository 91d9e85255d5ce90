import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ILogGroup, LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DASHBOARD_ASSET_DIR, DASHBOARD_ENV } from '../../functions/dashboard/serve/dashboard-env.ts';
import { DOCS_ASSET_DIR } from '../../functions/dashboard/serve/docs-app.ts';
import type { DeploymentConfig } from '../stacks/deployment-config.ts';
import { cdkBundlingOptions } from './lambda-bundle.ts';
import { REPO_ROOT } from './repo-paths.ts';

export const DASHBOARD_ENTRY = 'functions/dashboard/handler.ts';

/**
 * The dashboard on the HTTP API's own origin: `GET /dashboard` and
 * `/dashboard/{proxy+}` go to a small Lambda that serves the built files
 * with the CSP and the other security headers (the same Hono app as the local
 * stack). Why not S3 + CloudFront: a second origin would need CORS on the API
 * and a second place for the headers, and the page is a few KB.
 */
export class DashboardSite extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: ILogGroup;

  /**
   * `wsUrl`: the WebSocket stage the page connects to (and its CSP allows);
   * `mediaBucket`: where the page PUTs uploads (its origin goes in the CSP).
   */
  constructor(
    scope: Construct,
    id: string,
    config: DeploymentConfig,
    httpApi: HttpApi,
    endpoints: { wsUrl: string; mediaBucket: IBucket },
  ) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const writer = join(REPO_ROOT, 'infra', 'bundle', 'write-dashboard-cli.ts');
    const docsWriter = join(REPO_ROOT, 'infra', 'bundle', 'write-docs-cli.ts');
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, DASHBOARD_ENTRY),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      description: 'zapfleet dashboard (static files with security headers)',
      logGroup: this.logGroup,
      environment: {
        [DASHBOARD_ENV.wsUrl]: endpoints.wsUrl,
        [DASHBOARD_ENV.mediaUploadOrigin]: `https://${endpoints.mediaBucket.bucketRegionalDomainName}`,
        [DASHBOARD_ENV.tenantClaim]: config.tenantClaim,
        [DASHBOARD_ENV.roleClaim]: config.roleClaim,
      },
      bundling: {
        ...cdkBundlingOptions(),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The built page lands next to index.mjs, where the handler reads it.
          afterBundling: (_input: string, output: string) => [
            `"${process.execPath}" "${tsx}" "${writer}" "${join(output, DASHBOARD_ASSET_DIR)}"`,
            // The API reference (Swagger UI) at /docs is served by this Lambda too.
            `"${process.execPath}" "${tsx}" "${docsWriter}" "${join(output, DOCS_ASSET_DIR)}"`,
          ],
        },
      },
    });
    const integration = new HttpLambdaIntegration('Dashboard', this.function);
    httpApi.addRoutes({ path: '/dashboard', methods: [HttpMethod.GET, HttpMethod.HEAD], integration });
    httpApi.addRoutes({ path: '/dashboard/{proxy+}', methods: [HttpMethod.ANY], integration });
    httpApi.addRoutes({ path: '/docs', methods: [HttpMethod.GET, HttpMethod.HEAD], integration });
    httpApi.addRoutes({ path: '/docs/{proxy+}', methods: [HttpMethod.GET, HttpMethod.HEAD], integration });
  }
}
