import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../infra/local/cli-args.ts';
import { projectRoot } from '../../infra/local/local-config.ts';

const run = promisify(execFile);
const options = { hosts: { type: 'string' }, raw: { type: 'boolean' } } as const;

describe('script arguments', () => {
  it('reads known flags', () => {
    expect(parseCliArgs(['--hosts', '2', '--raw'], options)).toEqual({
      kind: 'values',
      values: { hosts: '2', raw: true },
    });
  });

  it.each([[['--host', '2']], [['--hosts']], [['stray']]])('refuses %j with an error naming it', (argv) => {
    const parsed = parseCliArgs(argv, options);
    expect(parsed.kind).toBe('error');
  });

  it('answers --help', () => {
    expect(parseCliArgs(['--help'], options)).toEqual({ kind: 'help' });
  });

  /** Each script run as npm runs it: --help exits 0 with usage, an unknown flag exits 2 naming it. */
  it.each([
    'infra/local/start.ts',
    'infra/local/demo.ts',
    'infra/local/flow.ts',
    'infra/local/token.ts',
    'infra/local/ws-client.ts',
    'tests/support/fake-whatsapp/cli.ts',
    'tests/bench/fanout.ts',
  ])(
    '%s: --help prints usage, an unknown flag is refused',
    async (script) => {
      const opts = { cwd: projectRoot(), timeout: 30_000 };
      const help = await run('npx', ['tsx', script, '--help'], opts);
      expect(help.stdout).toMatch(/^usage: /m);
      const bad = await run('npx', ['tsx', script, '--no-such-flag'], opts).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--no-such-flag/);
    },
    60_000,
  );
});
