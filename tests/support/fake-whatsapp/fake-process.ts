import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface FakeProcessInfo {
  wsUrl: string;
  port: number;
  controlPort: number;
  controlUrl: string;
  /** Base64; install it in the client process with `installCertAuthorityKey`. */
  caPublicKey: string;
  /** `127.0.0.1:PORT` of the HTTPS media host. */
  mediaHost: string;
  /** PEM path of the media host's test CA (give a session host ZAPFLEET_MEDIA_CA_FILE = this). */
  mediaCaFile: string;
}

export interface FakeProcess {
  readonly info: FakeProcessInfo;
  readonly child: ChildProcess;
  /** Calls the HTTP control API; throws on a non-2xx answer. */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  /** SIGTERM, then SIGKILL if it lingers; resolves when the process is gone. */
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Starts the fake in its own process (`tsx cli.ts`) and waits for its JSON line. */
export async function startFakeProcess(args: string[] = []): Promise<FakeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--control-port', '0', '--exit-with-stdin', ...args],
    {
      // Our end of stdin closes when this process dies however it dies: the child then exits.
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const info = await new Promise<FakeProcessInfo>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        try {
          resolve(JSON.parse(line) as FakeProcessInfo);
        } catch (err) {
          reject(err);
        }
      });
      child.once('exit', (code) => reject(new Error(`fake process exited with ${code} before it was ready`)));
    });
    return {
      info,
      child,
      async control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
        const res = await fetch(`${info.controlUrl}${path}`, {
          method,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
        const payload = (await res.json()) as T & { error?: string };
        if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${payload.error}`);
        return payload;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
