import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { TokenVerifier } from '#commons/auth/token-verifier.ts';
import { PayloadTooLargeError, RouteNotFoundError } from '#commons/errors/app-errors.ts';
import type { HostSessionLister } from '#commons/hosts/host-sessions.ts';
import type { ApiEnv } from './http/api-env.ts';
import { authenticate } from './http/authenticate.ts';
import { errorResponse } from './http/error-status.ts';
import { requestId } from './http/request-id.ts';
import { requireJsonBody } from './http/require-json.ts';
import { tenantRate } from './http/tenant-rate.ts';
import { chatRoutes } from './routes/chats.ts';
import { contactRoutes } from './routes/contacts.ts';
import { healthRoutes } from './routes/health.ts';
import { hostSessionRoutes } from './routes/host-sessions.ts';
import { hostRoutes } from './routes/hosts.ts';
import { overviewRoutes } from './routes/overview.ts';
import { sessionActionRoutes } from './routes/session-actions.ts';
import { sessionEventRoutes } from './routes/session-events.ts';
import { sessionGroupRoutes } from './routes/session-groups.ts';
import { sessionMediaRoutes } from './routes/session-media.ts';
import { sessionMessagingRoutes } from './routes/session-messaging.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { tenantLimitRoutes } from './routes/tenant-limits.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import type { UseCaseDependencies } from './use-cases/dependencies.ts';
import type { OverviewDependencies } from './use-cases/overview.ts';
import type { WebhookDependencies } from './use-cases/webhooks.ts';

export interface ApiDependencies extends UseCaseDependencies {
  readonly version: string;
  readonly verifier: TokenVerifier;
  /** The webhook endpoints API; absent in harnesses that test other routes. */
  readonly webhooks?: WebhookDependencies | undefined;
  /** The overview's counters; absent in harnesses that test other routes. */
  readonly overview?: Omit<OverviewDependencies, 'clock'> | undefined;
  /** Sessions by owner host for the fleet view; absent in harnesses that test other routes. */
  readonly hostSessions?: HostSessionLister | undefined;
}

export const MAX_BODY_BYTES = 64 * 1024;

/** The HTTP API as a plain Hono app: the Lambda entry and the local server both serve it. */
export function createApp(deps: ApiDependencies): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Path parameters only; never headers, bodies or query strings (tokens, QR data).
    deps.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        tenantId: c.get('principal')?.tenantId,
      },
      'request',
    );
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  const rate = deps.limits && tenantRate(deps.limits, deps.log);
  for (const path of [
    '/v1/sessions',
    '/v1/sessions/*',
    '/v1/hosts',
    '/v1/hosts/*',
    '/v1/webhooks',
    '/v1/webhooks/*',
    '/v1/tenants/*',
    '/v1/stats/*',
  ]) {
    app.use(path, authenticate(deps.verifier));
    if (rate) app.use(path, rate);
    app.use(path, requireJsonBody());
  }

  app.route('/', healthRoutes(deps.version));
  app.route('/', sessionRoutes(deps));
  app.route('/', sessionActionRoutes(deps));
  app.route('/', sessionMessagingRoutes(deps));
  app.route('/', chatRoutes(deps));
  app.route('/', contactRoutes(deps));
  app.route('/', sessionEventRoutes(deps));
  app.route('/', sessionGroupRoutes(deps));
  app.route('/', sessionMediaRoutes(deps));
  app.route('/', hostRoutes(deps));
  if (deps.hostSessions) app.route('/', hostSessionRoutes(deps.hostSessions));
  if (deps.webhooks) app.route('/', webhookRoutes(deps.webhooks));
  if (deps.overview) app.route('/', overviewRoutes({ ...deps.overview, clock: deps.clock }));
  if (deps.limits) app.route('/', tenantLimitRoutes(deps.limits, deps.clock));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A tenant token: claims name the tenant and the role (MASTER or ADMIN).',
  });
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'zapfleet API',
      version: deps.version,
      description: 'Multi-tenant WhatsApp sessions: create, link, run and send.',
    },
  });

  app.notFound((c) =>
    errorResponse(c, new RouteNotFoundError(`no route for ${c.req.method} ${c.req.path}`), deps.log),
  );
  app.onError((err, c) => errorResponse(c, err, deps.log));
  return app;
}
