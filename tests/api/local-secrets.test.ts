import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { createTokenVerifier } from '#commons/auth/token-verifier.ts';
import { ForbiddenError } from '#commons/errors/app-errors.ts';
import { ensureLocalSecrets, secretsPath } from '../../infra/local/local-secrets.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'zapfleet-secrets-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function token(stateDir: string, ...args: string[]) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), ['infra/local/token.ts', ...args], {
    cwd: root,
    env: { ...process.env, ZAPFLEET_STATE_DIR: stateDir },
  });
}

describe('local secrets', () => {
  it('creates a private secrets file on first use and reuses it', () => {
    const dir = join(tempDir(), 'state');
    const first = ensureLocalSecrets(dir);
    expect(statSync(secretsPath(dir)).mode & 0o777).toBe(0o600);
    expect(first.ZAPFLEET_JWT_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(first.ZAPFLEET_INTERNAL_TOKEN).not.toBe(first.ZAPFLEET_JWT_SECRET);
    expect(ensureLocalSecrets(dir)).toEqual(first);
    expect(JSON.parse(readFileSync(secretsPath(dir), 'utf8')).jwtSecret).toBe(first.ZAPFLEET_JWT_SECRET);
  });

  it('gives each state folder its own secret', () => {
    expect(ensureLocalSecrets(tempDir()).ZAPFLEET_JWT_SECRET).not.toBe(
      ensureLocalSecrets(tempDir()).ZAPFLEET_JWT_SECRET,
    );
  });
});

describe('npm run token', () => {
  it('prints, as the last line of stdout, a token the local API accepts', async () => {
    const dir = tempDir();
    const { stdout, stderr } = await token(
      dir,
      '--tenant',
      'acme',
      '--role',
      'ADMIN',
      '--ttl',
      '5m',
      '--subject',
      'me',
    );
    const last = stdout.trim().split('\n').at(-1) ?? '';
    expect(stderr).toContain('acme');
    const verifier = createTokenVerifier(loadAuthConfig(ensureLocalSecrets(dir)));
    expect(await verifier.verify(last)).toEqual({ tenantId: 'acme', role: 'ADMIN', subject: 'me' });
  });

  it('signs other roles so the API can show its 403', async () => {
    const dir = tempDir();
    const { stdout } = await token(dir, '--tenant', 'acme', '--role', 'VIEWER');
    const verifier = createTokenVerifier(loadAuthConfig(ensureLocalSecrets(dir)));
    await expect(verifier.verify(stdout.trim())).rejects.toBeInstanceOf(ForbiddenError);
  });

  it.each([
    { name: 'no tenant', args: ['--role', 'ADMIN'] },
    { name: 'a bad ttl', args: ['--tenant', 'acme', '--ttl', 'forever'] },
    { name: 'an unsafe tenant', args: ['--tenant', 'a/b'] },
  ])('exits non-zero with $name', async ({ args }) => {
    await expect(token(tempDir(), ...args)).rejects.toMatchObject({ code: 2 });
  });
});
