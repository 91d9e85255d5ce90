// Moved next to the API's adapter of the same table; kept so existing imports resolve.

export type { OwnedSession, StatusPatch } from '#commons/domain/session-ownership.ts';
export { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
