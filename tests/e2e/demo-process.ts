import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DemoInfo } from '../../infra/local/demo-banner.ts';
import { descendants } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface DemoProcess {
  readonly info: DemoInfo;
  readonly child: ChildProcess;
  /** Every process below the demo, recorded once it was ready. */
  readonly descendants: readonly number[];
  /** The last lines the demo printed, for failure messages. */
  output(): string;
  /** `npm run token`'s CLI against the demo's state folder. */
  mintToken(tenant: string, role?: string): Promise<string>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code or signal. */
  stop(timeoutMs?: number): Promise<number | string | null>;
}

/**
 * Runs `infra/local/demo.ts` as a child process on free ports with its own
 * state folder, and waits for its machine-readable `{"demo":…}` line.
 */
export async function startDemoProcess(
  stateDir: string,
  env: Record<string, string> = {},
  readyTimeoutMs = 50_000,
): Promise<DemoProcess> {
  const childEnv = {
    ...process.env,
    ZAPFLEET_STATE_DIR: stateDir,
    ZAPFLEET_API_PORT: '0',
    ZAPFLEET_WS_PORT: '0',
    ZAPFLEET_DYNAMODB_PORT: '0',
    ZAPFLEET_S3_PORT: '0',
    ZAPFLEET_FAKE_CONTROL_PORT: '0',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/demo.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let onLine: ((line: string) => void) | undefined;
  const collect = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 300) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string | null>((r) =>
    child.once('exit', (code, signal) => r(code ?? signal)),
  );
  const output = (): string => lines.slice(-60).join('\n');
  const stop = async (timeoutMs = 40_000): Promise<number | string | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    const info = await new Promise<DemoInfo>((resolveInfo, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`demo not ready in ${readyTimeoutMs} ms:\n${output()}`)),
        readyTimeoutMs,
      );
      onLine = (line) => {
        if (!line.startsWith('{"demo":')) return;
        clearTimeout(timer);
        resolveInfo((JSON.parse(line) as { demo: DemoInfo }).demo);
      };
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`demo exited (${code}) before it was ready:\n${output()}`));
      });
    });
    onLine = undefined;
    const mintToken = async (tenant: string, role = 'ADMIN'): Promise<string> => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'infra/local/token.ts', '--tenant', tenant, '--role', role, '--ttl', '10m'],
        { cwd: ROOT, env: childEnv },
      );
      return stdout.trim().split('\n').pop() ?? '';
    };
    return { info, child, descendants: descendants(child.pid ?? -1), output, mintToken, stop };
  } catch (err) {
    await stop(5_000);
    throw err;
  }
}
