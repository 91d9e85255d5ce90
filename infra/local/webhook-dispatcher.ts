/**
 * The webhook dispatcher of the local runtime: the same handlers as the
 * Lambda, fed by a poller of the events table's DynamoDB Stream (as an event
 * source mapping would) and a sweep timer (as the EventBridge schedule
 * would). Run alone: `tsx infra/local/webhook-dispatcher.ts` with the
 * runtime environment. Each stream record only nudges; a restart reads the
 * stream again from its oldest record, and the cursors make that harmless.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { awsClientConfig } from '#commons/aws/client-config.ts';
import { loadStorageConfig } from '#commons/config/runtime-config.ts';
import type { Resolve } from '#commons/webhooks/webhook-poster.ts';
import { composeDispatcher } from '../../functions/webhooks/compose.ts';
import { countMessages } from '../../functions/webhooks/message-counter.ts';
import { appendedEvents } from '../../functions/webhooks/stream-records.ts';
import { pollEventsStream } from './events-stream-poller.ts';

export interface LocalWebhookDispatcher {
  stop(): Promise<void>;
}

export async function startLocalWebhookDispatcher(
  env: NodeJS.ProcessEnv,
  options: { resolve?: Resolve } = {},
): Promise<LocalWebhookDispatcher> {
  const { dispatcher, config, log, dynamodb, eventsTable, stats } = composeDispatcher(env, options);
  const storage = loadStorageConfig(env);
  const clientConfig = awsClientConfig({ region: storage.region, endpoint: storage.dynamodbEndpoint });
  const streams = new DynamoDBStreamsClient(clientConfig);
  // The Lambda is handed its stream by the event source mapping; finding it is the poller's job,
  // on a client of its own, so the dispatcher's recorded requests stay those of the Lambda.
  const describer = new DynamoDBClient(clientConfig);
  const { Table } = await describer
    .send(new DescribeTableCommand({ TableName: eventsTable }))
    .finally(() => describer.destroy());
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${eventsTable} has no stream`);
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  // Marks are durable before the next batch is read; drains run on their own,
  // so a slow receiver never holds the stream (or another endpoint) back.
  const poller = pollEventsStream(
    streams,
    streamArn,
    async (records) => {
      const appended = appendedEvents(records);
      if (appended.length > 0) track((await dispatcher.onAppended(appended)).drained);
      await countMessages(stats, records, log);
      return appended.length;
    },
    log,
  );

  const sweepTimer = setInterval(() => {
    track(dispatcher.sweep().catch((err: unknown) => log.error({ err }, 'webhook sweep failed')));
  }, config.sweepIntervalMs);
  log.info({ streamArn, destinations: config.destinations }, 'webhook dispatcher started');
  return {
    stop: async () => {
      poller.stop();
      clearInterval(sweepTimer);
      await poller.done;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((r) => setTimeout(r, config.timeoutMs)),
      ]);
      streams.destroy();
      dynamodb.destroy();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const running = await startLocalWebhookDispatcher(process.env);
  const shutdown = (): void => {
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
