import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export interface HostRegistration {
  readonly hostId: string;
  readonly incarnation: string;
  readonly endpoint: string;
  readonly capacity: number;
}

/** This host's record in the hosts table: registered at start, renewed by heartbeat, removed on exit. */
export class DynamoDbHostRegistry {
  private version = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async register(host: HostRegistration, load: number): Promise<void> {
    this.version = 1;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...host,
          load,
          heartbeatVersion: this.version,
          heartbeatAt: this.now(),
          expiresAt: this.expiresAt(),
        },
      }),
    );
  }

  /** Renews the lease; false when the record is gone or belongs to another incarnation. */
  async heartbeat(host: HostRegistration, load: number, draining: boolean): Promise<boolean> {
    this.version += 1;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { hostId: host.hostId },
          UpdateExpression:
            'SET heartbeatVersion = :v, heartbeatAt = :at, expiresAt = :exp, #load = :load, draining = :draining',
          ConditionExpression: 'incarnation = :inc',
          ExpressionAttributeNames: { '#load': 'load' },
          ExpressionAttributeValues: {
            ':v': this.version,
            ':at': this.now(),
            ':exp': this.expiresAt(),
            ':load': load,
            ':draining': draining,
            ':inc': host.incarnation,
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async deregister(host: HostRegistration): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: { hostId: host.hostId },
          ConditionExpression: 'incarnation = :inc',
          ExpressionAttributeValues: { ':inc': host.incarnation },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }

  private expiresAt(): number {
    return Math.ceil((this.now() + this.leaseMs) / 1000);
  }
}
