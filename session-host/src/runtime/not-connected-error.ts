/**
 * A session that cannot send right now: not connected, or its socket closed under the send.
 * The message is not at fault; a caller gets SESSION_NOT_CONNECTED (409) and the outbox keeps the row queued.
 * Its own file so the key-transaction helpers can extend it without an import cycle through session-errors.
 */
export class SessionNotConnectedError extends Error {
  override readonly name: string = 'SessionNotConnectedError';
}
