import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FakeProcess } from '../support/fake-whatsapp/fake-process.ts';

/** Text → when it arrived (wall-clock ms), and a wait for one that has not yet. */
export class Arrivals {
  readonly #at = new Map<string, number>();
  readonly #waiting = new Map<string, (at: number) => void>();

  set(text: string, at: number): void {
    this.#at.set(text, at);
    this.#waiting.get(text)?.(at);
    this.#waiting.delete(text);
  }

  get(text: string): number | undefined {
    return this.#at.get(text);
  }

  next(text: string, timeoutMs: number): Promise<number> {
    const at = this.#at.get(text);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no arrival of "${text}"`)), timeoutMs);
      this.#waiting.set(text, (arrived) => {
        clearTimeout(timer);
        resolve(arrived);
      });
    });
  }
}

export interface BareReceiver {
  /** When the bare socket's messages.upsert carried each text. */
  readonly arrivals: Arrivals;
  stop(): void;
}

/** Starts latency-bare-child.ts linked as `phone` and resolves once its socket is open. */
export async function startBareReceiver(fake: FakeProcess, phone: string): Promise<BareReceiver> {
  await fake.control('POST', '/users', { pn: phone, name: 'Bare' });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./latency-bare-child.ts', import.meta.url)),
      fake.info.wsUrl,
      fake.info.controlUrl,
      fake.info.caPublicKey,
      phone,
    ],
    // Our end of its stdin closes when we die, however we die: it exits then.
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const arrivals = new Arrivals();
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as { ready?: boolean; text?: string; at?: number };
      if (m.ready) resolve();
      else if (m.text !== undefined && m.at !== undefined) arrivals.set(m.text, m.at);
    });
    child.once('exit', (code) => reject(new Error(`bare Baileys child exited with ${code}`)));
  });
  await ready;
  return { arrivals, stop: () => void child.kill('SIGTERM') };
}
