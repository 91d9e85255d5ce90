import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface S3Local {
  readonly endpoint: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./s3-server-child.ts', import.meta.url));

export async function startS3Local(port: number): Promise<S3Local> {
  const child = fork(CHILD, [String(port)], {
    execArgv: ['--openssl-legacy-provider', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group: a terminal's Ctrl-C must not stop storage before the stack's own
    // shutdown has used it (the IPC channel still ends the child with us).
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`s3rver exited (code ${code}) before it was ready`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
