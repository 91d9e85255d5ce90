import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A child process that cannot outlive this one. The command runs under a tiny
 * shell that holds a pipe to us on stdin: when we exit for any reason (normal
 * exit, Ctrl-C, a throw, SIGKILL), the pipe closes and the shell kills the
 * command. No PID files, nothing to clean up by hand.
 */
const GUARD_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null & child=$!',
  // Background lists get /dev/null as stdin unless redirected explicitly.
  '( while read -r _; do :; done; kill "$child" 2>/dev/null ) <&3 & watcher=$!',
  'trap \'kill "$child" 2>/dev/null\' TERM INT HUP',
  'wait "$child"; code=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$code"',
].join('\n');

export interface GuardedProcess {
  readonly child: ChildProcess;
  /** PID of the guarded command itself (not the guard shell), once known. */
  readonly pid: () => Promise<number>;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface GuardedSpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onOutput?: (line: string) => void;
}

export function spawnGuarded(
  command: string,
  args: readonly string[],
  options: GuardedSpawnOptions = {},
): GuardedProcess {
  const child = spawn('/bin/sh', ['-c', `${GUARD_SCRIPT}`, 'guard', command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C (or a signal to our group) must not stop the
    // command before our own shutdown has used it; the pipe still ends it with us.
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const forward = (chunk: Buffer): void => {
    if (!options.onOutput) return;
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  // The pipe must not keep the parent's event loop alive on its own.
  child.stdin?.on('error', () => {});
  const pid = async (): Promise<number> => {
    const { execFile } = await import('node:child_process');
    return new Promise((resolve, reject) => {
      execFile('pgrep', ['-P', String(child.pid), '-o'], (err, stdout) => {
        const found = Number.parseInt(stdout.trim().split('\n')[0] ?? '', 10);
        if (Number.isInteger(found)) resolve(found);
        else reject(new Error('guarded command has no pid', { cause: err }));
      });
    });
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid, exited, stop };
}
