import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, TABLES, type TableId, type TableNames } from '#commons/storage/tables.ts';

export interface ZapfleetTablesProps {
  /** @default RemovalPolicy.RETAIN — sessions, leases and event logs outlive a stack deletion. */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
}

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

/**
 * One on-demand DynamoDB table per shared definition in
 * `functions/commons/storage/tables.ts`: keys, GSIs and TTL attribute come
 * from there, so the cloud and the local bootstrap cannot disagree.
 */
export class ZapfleetTables extends Construct {
  readonly tables: Readonly<Record<TableId, ITable>>;
  /** Indexes per table, for grants that must cover `table/index/*`. */
  readonly indexed: ReadonlySet<TableId>;

  constructor(scope: Construct, id: string, props: ZapfleetTablesProps = {}) {
    super(scope, id);
    const tables: Partial<Record<TableId, ITable>> = {};
    const indexed = new Set<TableId>();
    for (const def of Object.values(TABLES)) {
      const table = new Table(this, def.id, {
        partitionKey: attribute(def.partitionKey),
        ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
        ...(def.stream ? { stream: StreamViewType.NEW_IMAGE } : {}),
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      for (const index of def.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        });
      }
      if (def.indexes.length > 0) indexed.add(def.id);
      tables[def.id] = table;
    }
    this.tables = tables as Record<TableId, ITable>;
    this.indexed = indexed;
  }

  /** Physical names, for `resourceEnvironment()`. */
  get names(): TableNames {
    const entries = Object.entries(this.tables).map(([id, t]) => [id, t.tableName] as const);
    return Object.fromEntries(entries) as Record<TableId, string>;
  }
}
