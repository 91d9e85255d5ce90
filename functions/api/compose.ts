import { VERSION } from '#commons/version.ts';
import { createApp } from './app.ts';

/**
 * Composition root of the HTTP API: reads configuration once, builds clients
 * and wires the app. Used by the Lambda entry and by the local runtime.
 */
export function composeApi(_env: NodeJS.ProcessEnv): { app: ReturnType<typeof createApp> } {
  return { app: createApp({ version: VERSION }) };
}
