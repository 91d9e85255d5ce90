import { SessionNotConnectedError } from './not-connected-error.ts';
import type { SocketWaits } from './receipt-gate.ts';

export class SessionDrainingError extends Error {
  override readonly name = 'SessionDrainingError';
  constructor(sessionId: string) {
    super(`session ${sessionId} is being handed off`);
  }
}

export { SessionNotConnectedError } from './not-connected-error.ts';

/** Where a send was when it stalled (see SEND_STALL_MS). */
export type SendStage = 'typing' | 'encrypt' | 'gate' | 'ack';

/**
 * A send that did not finish in time on a socket that still looks open
 * (WhatsApp never acked it, or it never left): the socket is recycled and the
 * message sent again under its id on the next one (SEND_STALLED).
 */
export class SendStalledError extends SessionNotConnectedError {
  override readonly name: string = 'SendStalledError';
  readonly code = 'SEND_STALLED';
  constructor(
    readonly stage: SendStage,
    options?: ErrorOptions & {
      /** What held the socket's frames and keys when it stalled (see ReceiptGate.waits). */
      readonly waits?: SocketWaits;
    },
  ) {
    super(`the send stalled at ${stage}; the connection is being renewed`, options);
    this.waits = options?.waits;
  }
  readonly waits: SocketWaits | undefined;
}

export class InvalidRecipientError extends Error {
  override readonly name = 'InvalidRecipientError';
}
