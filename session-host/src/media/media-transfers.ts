import type { HostMetrics } from '../metrics.ts';
import { MediaError } from './media-errors.ts';
import { TransferScavenger } from './transfer-scavenger.ts';

/**
 * The host's media transfers (sends and downloads) running at once: bounded,
 * because each holds sockets, a temp file and stream buffers. A transfer
 * waits for a slot at most `waitMs`, then fails MEDIA_TRANSFERS_BUSY.
 */
export class MediaTransfers {
  private running = 0;
  private readonly waiting: { resolve: () => void; timer: NodeJS.Timeout }[] = [];
  readonly scavenger = new TransferScavenger();

  constructor(
    readonly limit: number,
    private readonly metrics: HostMetrics,
  ) {}

  get active(): number {
    return this.running;
  }

  async run<T>(waitMs: number, op: () => Promise<T>): Promise<T> {
    await this.acquire(waitMs);
    this.metrics.mediaTransfersActive.inc();
    const end = this.scavenger.begin();
    try {
      return await op();
    } finally {
      end();
      this.metrics.mediaTransfersActive.inc(-1);
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.resolve();
      } else this.running -= 1;
    }
  }

  private acquire(waitMs: number): Promise<void> {
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          this.metrics.mediaTransfersBusy.inc();
          reject(
            new MediaError(
              'MEDIA_TRANSFERS_BUSY',
              `the host runs ${this.limit} media transfers already`,
              true,
            ),
          );
        }, waitMs),
      };
      this.waiting.push(entry);
    });
  }
}
