import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import {
  LIMIT_METRICS_NAMESPACE,
  LIMIT_REFUSED_MESSAGE,
  LIMITS,
} from '#commons/observability/limit-metrics.ts';
import { HOST_METRICS, POST_TO_CONNECTION_FAILED_MESSAGE } from '#commons/observability/metric-names.ts';
import { DEAD_LETTER_MESSAGE, WEBHOOK_METRICS } from '#commons/webhooks/webhook-metrics.ts';

export interface ObservabilityStackProps extends StackProps {
  readonly functions: Readonly<Record<string, IFunction>>;
  /**
   * Log groups of the Lambdas that enforce limits: each refusal (LIMIT_REFUSED_MESSAGE)
   * is counted as `Zapfleet/LimitRefusals` with the limit's name as the metric.
   */
  readonly limitLogGroups?: Readonly<Record<string, ILogGroup>>;
  readonly httpApi: IHttpApi;
  /** Log groups where a runtime may log a failed PostToConnection (WebSocket Lambda, hosts). */
  readonly postToConnectionLogGroups: Readonly<Record<string, ILogGroup>>;
  /** Address to subscribe to the alarm topic. */
  readonly alarmEmail?: string | undefined;
  /** @default 5 errors in 5 minutes per function */
  readonly lambdaErrorThreshold?: number;
  /** @default 5 (% of requests answered 5xx, over 3 of 5 minutes) */
  readonly serverErrorPercent?: number;
  /** @default 10 failed posts in 5 minutes */
  readonly postToConnectionFailureThreshold?: number;
  /** The webhook dispatcher's log group: dead letters are counted from it. */
  readonly webhookLogGroup?: ILogGroup;
  /** @default 3600 — seconds the oldest pending webhook work may wait before the alarm. */
  readonly webhookPendingAgeSeconds?: number;
}

/** Alarms on the signals that mean users are affected, all sent to one topic. */
export class ObservabilityStack extends Stack {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'zapfleet alarms' });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.topic);

    // Hosts publish SessionsOwned every minute; silence means no host is alive (or none can reach CloudWatch).
    new Alarm(this, 'HostHeartbeatsMissing', {
      alarmDescription: 'No session host has reported SessionsOwned for 3 minutes.',
      metric: new Metric({
        namespace: HOST_METRICS.namespace,
        metricName: HOST_METRICS.sessionsOwned,
        statistic: 'SampleCount',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.BREACHING,
    }).addAlarmAction(notify);

    for (const [name, fn] of Object.entries(props.functions)) {
      new Alarm(this, `${name}Errors`, {
        alarmDescription: `The ${name} Lambda is failing invocations.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: props.lambdaErrorThreshold ?? 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(notify);
    }

    const minute = { period: Duration.minutes(1), statistic: 'Sum' };
    new Alarm(this, 'Http5xxRate', {
      alarmDescription: 'The HTTP API answers 5xx to a share of requests.',
      metric: new MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: props.httpApi.metricServerError(minute),
          requests: props.httpApi.metricCount(minute),
        },
        period: Duration.minutes(1),
        label: '5xx %',
      }),
      threshold: props.serverErrorPercent ?? 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);

    const failures = new Metric({
      namespace: HOST_METRICS.namespace,
      metricName: HOST_METRICS.postToConnectionFailures,
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    for (const [name, logGroup] of Object.entries(props.postToConnectionLogGroups)) {
      new MetricFilter(this, `${name}PostToConnectionFailures`, {
        logGroup,
        filterPattern: FilterPattern.stringValue('$.msg', '=', POST_TO_CONNECTION_FAILED_MESSAGE),
        metricNamespace: failures.namespace,
        metricName: failures.metricName,
        metricValue: '1',
      });
    }
    new Alarm(this, 'PostToConnectionFailures', {
      alarmDescription: 'PostToConnection calls fail (other than 410 Gone): subscribers miss events.',
      metric: failures,
      threshold: props.postToConnectionFailureThreshold ?? 10,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);

    if (props.webhookLogGroup)
      this.alarmOnWebhooks(props.webhookLogGroup, props.webhookPendingAgeSeconds ?? 3600, notify);
    this.countLimitRefusals(props.limitLogGroups ?? {});
  }

  /** Dead letters (counted from the dispatcher's log) and the age of the oldest pending work. */
  private alarmOnWebhooks(logGroup: ILogGroup, pendingAgeSeconds: number, notify: SnsAction): void {
    const deadLetters = new Metric({
      namespace: WEBHOOK_METRICS.namespace,
      metricName: WEBHOOK_METRICS.deadLetters,
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    new MetricFilter(this, 'WebhookDeadLetterCount', {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.msg', '=', DEAD_LETTER_MESSAGE),
      metricNamespace: deadLetters.namespace,
      metricName: deadLetters.metricName,
      metricValue: '1',
    });
    new Alarm(this, 'WebhookDeadLetters', {
      alarmDescription:
        'Webhook deliveries were dead-lettered: a tenant’s receiver failed for the whole retry schedule.',
      metric: deadLetters,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);
    // Published by each sweep (embedded metric format); silence means the sweeper is not running.
    new Alarm(this, 'WebhookOldestPendingAge', {
      alarmDescription:
        'Webhook work has waited too long (a receiver failing for hours, or the dispatcher stuck).',
      metric: new Metric({
        namespace: WEBHOOK_METRICS.namespace,
        metricName: WEBHOOK_METRICS.oldestPendingAgeSeconds,
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: pendingAgeSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.BREACHING,
    }).addAlarmAction(notify);
  }

  /** Refusals are the limits working, not an outage: counted for dashboards and capacity reviews, no alarm. */
  private countLimitRefusals(logGroups: Readonly<Record<string, ILogGroup>>): void {
    for (const [name, logGroup] of Object.entries(logGroups)) {
      for (const limit of Object.values(LIMITS)) {
        new MetricFilter(this, `${name}LimitRefused${limit[0]?.toUpperCase()}${limit.slice(1)}`, {
          logGroup,
          filterPattern: FilterPattern.all(
            FilterPattern.stringValue('$.msg', '=', LIMIT_REFUSED_MESSAGE),
            FilterPattern.stringValue('$.limit', '=', limit),
          ),
          metricNamespace: LIMIT_METRICS_NAMESPACE,
          metricName: limit,
          metricValue: '1',
        });
      }
    }
  }
}
