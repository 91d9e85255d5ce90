import { handle } from 'hono/aws-lambda';
import { composeApi } from './compose.ts';

const { app } = composeApi(process.env);

/** API Gateway HTTP API (payload v2) entry. */
export const handler = handle(app);
