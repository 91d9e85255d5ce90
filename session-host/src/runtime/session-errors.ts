export class SessionDrainingError extends Error {
  override readonly name = 'SessionDrainingError';
  constructor(sessionId: string) {
    super(`session ${sessionId} is being handed off`);
  }
}

export class SessionNotConnectedError extends Error {
  override readonly name = 'SessionNotConnectedError';
}

export class InvalidRecipientError extends Error {
  override readonly name = 'InvalidRecipientError';
}
