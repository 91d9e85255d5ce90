import { describe, expect, it } from 'vitest';
import { INTERNAL_TOKEN_MIN_LENGTH } from '#commons/config/internal-token.ts';
import type { HostClient } from '#commons/hosts/host-client.ts';
import {
  createInternalToken,
  hostClientWithToken,
  InternalTokenUnavailableError,
} from '../../functions/api/internal-token-source.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:internal-AbCdEf';
const TOKEN = 't'.repeat(INTERNAL_TOKEN_MIN_LENGTH);

describe('the internal host credential from Secrets Manager', () => {
  it('reads the secret once, at creation (cold start), and serves it from then on', async () => {
    const reads: string[] = [];
    const token = createInternalToken({ kind: 'secret', secretArn: ARN }, async (arn) => {
      reads.push(arn);
      return TOKEN;
    });
    expect(reads).toEqual([ARN]);
    expect(await token()).toBe(TOKEN);
    expect(await token()).toBe(TOKEN);
    expect(reads).toEqual([ARN]);
  });

  it('forgets a failed read, so the next request reads again', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const token = createInternalToken(
      { kind: 'secret', secretArn: ARN },
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('AccessDeniedException');
        return TOKEN;
      },
      (err) => errors.push(err),
    );
    await expect(token()).rejects.toBeInstanceOf(InternalTokenUnavailableError);
    expect(await token()).toBe(TOKEN);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('refuses a secret shorter than the minimum, without putting the value in the error', async () => {
    const short = 's'.repeat(INTERNAL_TOKEN_MIN_LENGTH - 1);
    const token = createInternalToken({ kind: 'secret', secretArn: ARN }, async () => short);
    const err = await token().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(InternalTokenUnavailableError);
    expect((err as Error).message).not.toContain(short);
  });

  it('uses a value given directly without reading any secret', async () => {
    const token = createInternalToken({ kind: 'value', token: TOKEN }, async () => {
      throw new Error('must not read');
    });
    expect(await token()).toBe(TOKEN);
  });

  it('builds the host client with the credential once it is known', async () => {
    const seen: string[] = [];
    const fake = (t: string): HostClient =>
      ({
        nudge: async () => {
          seen.push(t);
        },
      }) as unknown as HostClient;
    const client = hostClientWithToken(async () => TOKEN, fake);
    await client.nudge('http://h', 'ses_1');
    expect(seen).toEqual([TOKEN]);
  });
});
