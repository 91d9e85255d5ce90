import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../session-host/src/main.ts', import.meta.url));

export interface HostProcess {
  readonly hostId: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string | null>;
  /** SIGTERM hands sessions to peers; SIGINT only closes them. Waits for the exit. */
  stop(timeoutMs?: number, signal?: 'SIGTERM' | 'SIGINT'): Promise<void>;
}

export interface HostProcessOptions {
  readonly env: Record<string, string>;
  /** Where the host's log lines go (they are JSON). Defaults to this process's stdout. */
  readonly onLog?: (line: string) => void;
  readonly readyTimeoutMs?: number;
  /** Another entry file composing the same host (a test-only variant); main.ts unless given. */
  readonly entry?: string;
}

/**
 * Starts a session host as a child Node process running the same
 * `session-host/src/main.ts` as the container. It talks to us over IPC and
 * shuts down when that channel closes, so it never outlives the parent.
 */
export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = fork(options.entry ?? MAIN, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      if (options.onLog) options.onLog(line);
      else process.stdout.write(`${line}\n`);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const ready = await new Promise<{ hostId: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('session host did not become ready in time'));
    }, options.readyTimeoutMs ?? 30_000);
    child.on('message', (m: { ready?: boolean; hostId?: string; port?: number }) => {
      if (!m.ready) return;
      clearTimeout(timer);
      resolve({ hostId: m.hostId as string, port: m.port as number });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`session host exited (${code}) before it was ready`));
    });
  });
  return {
    ...ready,
    child,
    exited,
    stop: async (timeoutMs = 15_000, signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
