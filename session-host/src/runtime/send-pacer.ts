import { SerialQueue } from '#commons/concurrency/serial-queue.ts';
import {
  fullBucket,
  queueFullRetryAfterSeconds,
  type SendPacing,
  type TokenBucket,
  takeToken,
} from '#commons/domain/send-pacing.ts';

/** A session's send queue already holds `pacing.queueLimit` messages (SEND_QUEUE_FULL). */
export class SendQueueFullError extends Error {
  override readonly name = 'SendQueueFullError';
  readonly code = 'SEND_QUEUE_FULL';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemPacerClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * One session's outgoing messages, in order, each after a token of the
 * session's bucket (see send-pacing.ts): bounded by `queueLimit`, past which a
 * send is refused at once rather than queued for hours.
 */
export class SendPacer {
  private readonly queue = new SerialQueue();
  private bucket: TokenBucket;
  private waiting = 0;

  constructor(
    readonly pacing: SendPacing,
    private readonly clock: PacerClock = systemPacerClock,
  ) {
    this.bucket = fullBucket(pacing, clock.now());
  }

  /** Messages accepted and not yet handed to the socket. */
  get depth(): number {
    return this.waiting;
  }

  run<T>(send: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.pacing.queueLimit) {
      return Promise.reject(
        new SendQueueFullError(
          `the session's send queue holds ${this.pacing.queueLimit} messages; retry later`,
          queueFullRetryAfterSeconds(this.pacing),
        ),
      );
    }
    this.waiting += 1;
    return this.queue.run(async () => {
      try {
        await this.token();
      } finally {
        this.waiting -= 1;
      }
      return send();
    });
  }

  private async token(): Promise<void> {
    for (;;) {
      const taken = takeToken(this.bucket, this.pacing, this.clock.now());
      if (taken.ok) {
        this.bucket = taken.bucket;
        return;
      }
      await this.clock.sleep(taken.waitMs);
    }
  }
}
