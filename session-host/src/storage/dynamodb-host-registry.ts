// Moved next to the API's adapter of the same table; kept so existing imports resolve.

export type { HostRegistration } from '#commons/hosts/host-registry.ts';
export { DynamoDbHostRegistry } from '#commons/storage/dynamodb-host-registry.ts';
