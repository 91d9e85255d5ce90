import type { Logger } from 'pino';

/** Baileys' line for a resend it was asked for that threw (rc14 `handleReceipt`); it acks the receipt next. */
export const RESEND_FAILED_LINE = 'error in sending message again';

/**
 * A contact that cannot decrypt a message asks for it again with a retry
 * receipt. Baileys sends it again, then acks the receipt whether that worked
 * or not (the ack is in a `finally`). A resend that failed (our key storage
 * away while Baileys fetched the contact's keys) would lose the message: the
 * contact asks once per failure it sees, and it saw none. So when Baileys
 * reports the failure, `onFailed` ends the socket before the ack can leave;
 * WhatsApp delivers the unacked receipt again on the next connection, and the
 * message goes again then.
 *
 * Baileys has no hook for it: its error line is the signal, and the test that
 * drives the real path (resend-on-retry.test.ts) fails if that line changes.
 */
export function watchResendFailures(logger: Logger, onFailed: () => void): Logger {
  return new Proxy(logger, {
    get(target, property) {
      if (property === 'error') {
        return (...args: unknown[]) => {
          if (args.includes(RESEND_FAILED_LINE)) onFailed();
          return (target.error as (...a: unknown[]) => void)(...args);
        };
      }
      if (property === 'child') {
        return (...args: Parameters<Logger['child']>) =>
          watchResendFailures(target.child(...args) as unknown as Logger, onFailed);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
