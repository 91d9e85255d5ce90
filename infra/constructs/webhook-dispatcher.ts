import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ZapfleetFunction } from './zapfleet-function.ts';

export interface WebhookDispatcherProps {
  /** The events table; it must have a stream (tables.ts sets one). */
  readonly eventsTable: ITable;
  readonly environment: Readonly<Record<string, string>>;
  /** @default Duration.minutes(1) — retries are due at this resolution at worst. */
  readonly sweepEvery?: Duration;
  readonly logRetention?: RetentionDays;
}

/**
 * The webhook dispatcher Lambda: fed by the events table's stream (each batch
 * only marks cursors and drains them within a budget; a failed batch is
 * retried by the event source mapping, split in halves) and by a scheduled
 * sweep that drains due retries and anything a batch left.
 */
export class WebhookDispatcher extends Construct {
  readonly fn: ZapfleetFunction;

  constructor(scope: Construct, id: string, props: WebhookDispatcherProps) {
    super(scope, id);
    this.fn = new ZapfleetFunction(this, 'Handler', {
      entry: 'webhooks',
      description: 'zapfleet webhook dispatcher',
      memorySize: 256,
      // The stream budget (20 s) plus one request timeout (10 s) and margin.
      timeout: Duration.seconds(45),
      environment: props.environment,
      ...(props.logRetention && { logRetention: props.logRetention }),
    });
    this.fn.function.addEventSource(
      new DynamoEventSource(props.eventsTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        parallelizationFactor: 10,
        // Counter items and once-only markers are not events.
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT') })],
      }),
    );
    new Rule(this, 'Sweep', {
      schedule: Schedule.rate(props.sweepEvery ?? Duration.minutes(1)),
      targets: [new LambdaFunction(this.fn.function)],
    });
  }
}
