export class AuthStateCorruptedError extends Error {
  override readonly name = 'AuthStateCorruptedError';
}
