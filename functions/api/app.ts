import { Hono } from 'hono';
import { healthRoutes } from './routes/health.ts';

export interface ApiDependencies {
  readonly version: string;
}

/** The HTTP API as a plain Hono app: the Lambda entry and the local server both serve it. */
export function createApp(deps: ApiDependencies): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(deps.version));
  return app;
}
