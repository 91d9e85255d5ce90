/**
 * The cold-start bench's baseline: the smallest Hono Lambda (one route behind
 * the same API Gateway adapter), bundled with the Lambdas' own esbuild options.
 */
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const app = new Hono();
app.get('/v1/health', (c) => c.json({ status: 'ok' }));

export const handler = handle(app);
