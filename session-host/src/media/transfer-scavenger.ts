import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the young generation is collected while a media transfer runs. */
export const SCAVENGE_INTERVAL_MS = 25;

type Gc = (options: { type: 'minor' | 'major' }) => void;

let gc: Gc | undefined;

/** V8's own `gc`, exposed at run time (the host is started without --expose-gc). */
function exposedGc(): Gc | undefined {
  if (gc) return gc;
  try {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  } catch {
    gc = undefined;
  }
  return gc;
}

/**
 * Collects the young generation every few milliseconds while media moves.
 * A transfer turns over tens of megabytes of short-lived chunk buffers
 * (socket reads, decipher output, Baileys' temp-file reads) whose JS wrappers
 * are tiny: the young generation never fills, so V8 frees their backing
 * stores only after 64 MB of external growth. Measured with a 50 MB file
 * (`npm run bench -- media`): that garbage was most of the host's peak. A
 * scavenge costs about a millisecond and runs only while a transfer does.
 */
export class TransferScavenger {
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private collections = 0;

  constructor(private readonly intervalMs = SCAVENGE_INTERVAL_MS) {}

  get count(): number {
    return this.collections;
  }

  /** A transfer started; returns the call that ends it. */
  begin(): () => void {
    this.running += 1;
    const collect = exposedGc();
    if (!this.timer && collect) {
      this.timer = setInterval(() => {
        collect({ type: 'minor' });
        this.collections += 1;
      }, this.intervalMs);
      this.timer.unref();
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running -= 1;
      if (this.running === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }
}
