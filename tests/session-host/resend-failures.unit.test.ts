import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RESEND_FAILED_LINE, watchResendFailures } from '../../session-host/src/runtime/resend-failures.ts';

describe("Baileys' logger, watched for failed resends", () => {
  it('reports its resend failure line, from children too, and still logs every line', () => {
    const lines: Record<string, unknown>[] = [];
    const base = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    let failed = 0;
    const logger = watchResendFailures(base, () => (failed += 1));
    logger.error({ ids: ['3EB0'] }, RESEND_FAILED_LINE);
    logger.error({ error: 'x' }, 'transaction failed, rolling back');
    logger.child({ class: 'ns' }).error({}, RESEND_FAILED_LINE);
    logger.warn({}, RESEND_FAILED_LINE);
    expect(failed).toBe(2);
    expect(lines.map((l) => l.msg)).toEqual([
      RESEND_FAILED_LINE,
      'transaction failed, rolling back',
      RESEND_FAILED_LINE,
    ]);
    expect(logger.level).toBe('error');
  });
});
