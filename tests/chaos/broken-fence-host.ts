/**
 * A deliberately broken session host for the chaos checker's control run:
 * the real host (session-host/src/main.ts, unchanged) composed with an
 * ownership adapter whose status write skips the owner/epoch condition, so a
 * paused ex-owner's late status write lands over the new owner's record.
 * Test-only: nothing in the shipped host can turn fencing off.
 */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';

interface FencedInput {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeValues: Record<string, unknown>;
  readonly [key: string]: unknown;
}
interface Internals {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  fenced(input: FencedInput): Promise<void>;
}

const adapter = DynamoDbSessionOwnership.prototype as unknown as Internals;
const fenced = adapter.fenced;
adapter.fenced = async function (this: Internals, input: FencedInput): Promise<void> {
  if (!input.UpdateExpression.startsWith('SET #status')) return fenced.call(this, input);
  const { ':host': _host, ':epoch': _epoch, ...values } = input.ExpressionAttributeValues;
  const unfenced = {
    TableName: this.table,
    ...input,
    ExpressionAttributeValues: values,
  } as UpdateCommandInput;
  await this.doc.send(new UpdateCommand(unfenced));
};

await import('../../session-host/src/main.ts');
