import type { AwsEndpoints } from '../../infra/local/aws/embedded-aws.ts';
import { startRunAws } from '../support/run-aws.ts';

/**
 * Embedded AWS for a chaos script (outside vitest, whose global setup
 * provides it otherwise): handed to the test helpers through the global they
 * check first, stopped on the way out, also on Ctrl-C (the exit that follows
 * kills the host processes).
 */
export async function withChaosAws(body: () => Promise<number>): Promise<number> {
  const aws = await startRunAws();
  const { stop, ...endpoints } = aws;
  (globalThis as { __zapfleetAws?: AwsEndpoints }).__zapfleetAws = endpoints;
  const interrupted = (): void => {
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await body();
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stop();
  }
}
