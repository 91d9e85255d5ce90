import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { descendants, waitUntilDead } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function launch(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  return child;
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => pattern.test(l));
      if (line) {
        child.stdout?.off('data', onData);
        resolvePromise(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${buffered}`)));
  });
}

async function mintToken(stateDir: string): Promise<string> {
  const child = launch(['infra/local/token.ts', '--tenant', 'acme', '--role', 'ADMIN', '--ttl', '5m'], {
    ZAPFLEET_STATE_DIR: stateDir,
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise((r) => child.once('exit', r));
  return out.trim().split('\n').pop() as string;
}

async function childrenOf(child: ChildProcess): Promise<number[]> {
  const pids = descendants(child.pid as number);
  // java (under its guard shell) and the s3rver child must both be there.
  expect(pids.length).toBeGreaterThanOrEqual(3);
  return pids;
}

const fixture = 'tests/support/fixtures/embedded-aws-process.ts';

describe('embedded AWS child processes never outlive their parent', () => {
  it('stops DynamoDB Local and s3rver on a normal stop', async () => {
    const child = launch([fixture, 'wait']);
    await waitForLine(child, /"ready":true/);
    const pids = await childrenOf(child);
    child.kill('SIGTERM');
    expect(await waitUntilDead(pids)).toEqual([]);
  });

  it('stops them when the parent dies of an uncaught error', async () => {
    const child = launch([fixture, 'throw']);
    const exited = new Promise((r) => child.once('exit', r));
    await waitForLine(child, /"ready":true/);
    const pids = await childrenOf(child);
    await exited;
    expect(await waitUntilDead(pids)).toEqual([]);
  });

  it('stops them when the parent is killed with SIGKILL', async () => {
    const child = launch([fixture, 'wait']);
    await waitForLine(child, /"ready":true/);
    const pids = await childrenOf(child);
    child.kill('SIGKILL');
    expect(await waitUntilDead(pids)).toEqual([]);
  });

  it('stops them after a clean exit', async () => {
    const child = launch([fixture, 'exit']);
    await waitForLine(child, /"ready":true/);
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  });

  it('npm start answers /v1/health, a session starts at once after the banner, and Ctrl-C leaves no child running', async () => {
    const stateDir = resolve(ROOT, 'node_modules', '.cache', 'zapfleet', `state-${process.pid}`);
    const child = launch(['infra/local/start.ts'], {
      ZAPFLEET_API_PORT: '0',
      ZAPFLEET_WS_PORT: '0',
      ZAPFLEET_DYNAMODB_PORT: '0',
      ZAPFLEET_S3_PORT: '0',
      ZAPFLEET_STATE_DIR: stateDir,
    });
    const line = await waitForLine(child, /health\s+http/);
    const url = line.trim().split(/\s+/).pop() as string;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    // "Ready" means a host is live: a start right after the banner is accepted, not 503 NO_HOST_AVAILABLE.
    const token = await mintToken(stateDir);
    const api = new URL(url).origin;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${api}/v1/sessions`, { method: 'POST', headers, body: '{"name":"first"}' });
    const { id } = (await created.json()) as { id: string };
    const started = await fetch(`${api}/v1/sessions/${id}/start`, { method: 'POST', headers });
    expect(started.status).toBe(202);
    const pids = descendants(child.pid as number);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(await waitUntilDead(pids)).toEqual([]);
  }, 60_000);
});
