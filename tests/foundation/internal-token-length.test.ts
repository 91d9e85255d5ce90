import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { INTERNAL_TOKEN_MIN_LENGTH } from '#commons/config/internal-token.ts';
import { TABLES } from '#commons/storage/tables.ts';
import { loadApiConfig } from '../../functions/api/api-config.ts';
import { loadOrCreateLocalSecrets, secretsPath } from '../../infra/local/local-secrets.ts';
import { loadHostConfig } from '../../session-host/src/config.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Every table the bootstrap defines, so a new table needs no edit here.
const STORAGE = {
  [ENV.region]: 'us-east-1',
  ...Object.fromEntries(Object.values(TABLES).map((t) => [t.envName, t.id])),
  [ENV.authBucket]: 'b',
};
const hostEnv = (token: string) => ({
  ...STORAGE,
  [ENV.internalToken]: token,
  [ENV.wsManagementEndpoint]: 'http://127.0.0.1:1/local',
});
const apiEnv = (token: string) => ({ ...STORAGE, [ENV.internalToken]: token });

function localSecretsWith(internalToken: string) {
  const dir = mkdtempSync(join(tmpdir(), 'zapfleet-secrets-'));
  dirs.push(dir);
  writeFileSync(secretsPath(dir), JSON.stringify({ jwtSecret: 'j'.repeat(48), internalToken }));
  return () => loadOrCreateLocalSecrets(dir);
}

describe('one minimum length for the internal host credential', () => {
  const short = 'x'.repeat(INTERNAL_TOKEN_MIN_LENGTH - 1);
  const enough = 'x'.repeat(INTERNAL_TOKEN_MIN_LENGTH);

  it('the session host refuses a credential one character short of the minimum', () => {
    expect(() => loadHostConfig(hostEnv(short))).toThrow(/ZAPFLEET_INTERNAL_TOKEN/);
    expect(loadHostConfig(hostEnv(enough)).internalToken).toBe(enough);
  });

  it('the API refuses it too', () => {
    expect(() => loadApiConfig(apiEnv(short))).toThrow(/ZAPFLEET_INTERNAL_TOKEN/);
    expect(loadApiConfig(apiEnv(enough)).internalToken).toEqual({ kind: 'value', token: enough });
  });

  it('the local secrets file is refused with it, and a generated one meets the minimum', () => {
    expect(localSecretsWith(short)).toThrow(/not a valid secrets file/);
    expect(localSecretsWith(enough)().internalToken).toBe(enough);
    const dir = mkdtempSync(join(tmpdir(), 'zapfleet-secrets-'));
    dirs.push(dir);
    expect(loadOrCreateLocalSecrets(dir).internalToken.length).toBeGreaterThanOrEqual(
      INTERNAL_TOKEN_MIN_LENGTH,
    );
  });
});

describe('the API takes the internal credential or its secret ARN, exactly one', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zapfleet-internal-AbCdEf';

  it('takes the ARN alone', () => {
    expect(loadApiConfig({ ...STORAGE, [ENV.internalTokenSecretArn]: arn }).internalToken).toEqual({
      kind: 'secret',
      secretArn: arn,
    });
  });

  it.each([
    ['neither', {}],
    ['both', { [ENV.internalToken]: 'x'.repeat(40), [ENV.internalTokenSecretArn]: arn }],
    ['an ARN of something else', { [ENV.internalTokenSecretArn]: 'arn:aws:s3:::bucket' }],
  ])('refuses %s', (_, extra) => {
    expect(() => loadApiConfig({ ...STORAGE, ...extra })).toThrow(/invalid configuration/);
  });
});
