/**
 * The webhook dispatcher of the local runtime: the same handlers as the
 * Lambda, fed by a poller of the events table's DynamoDB Stream (as an event
 * source mapping would) and a sweep timer (as the EventBridge schedule
 * would). Run alone: `tsx infra/local/webhook-dispatcher.ts` with the
 * runtime environment. Each stream record only nudges; a restart reads the
 * stream again from its oldest record, and the cursors make that harmless.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { awsClientConfig } from '#commons/aws/client-config.ts';
import { loadStorageConfig } from '#commons/config/runtime-config.ts';
import type { Resolve } from '#commons/webhooks/webhook-poster.ts';
import { composeDispatcher } from '../../functions/webhooks/compose.ts';
import { appendedEvents, type StreamRecordLike } from '../../functions/webhooks/stream-records.ts';

export interface LocalWebhookDispatcher {
  stop(): Promise<void>;
}

const POLL_IDLE_MS = 100;
const SHARD_REFRESH_MS = 5_000;

export async function startLocalWebhookDispatcher(
  env: NodeJS.ProcessEnv,
  options: { resolve?: Resolve } = {},
): Promise<LocalWebhookDispatcher> {
  const { dispatcher, config, log, dynamodb, eventsTable } = composeDispatcher(env, options);
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
  let stopped = false;
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const iterators = new Map<string, string | undefined>();
  const doneShards = new Set<string>();

  const refreshShards = async (): Promise<void> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || iterators.has(id) || doneShards.has(id)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      iterators.set(id, ShardIterator);
    }
  };

  const poll = async (): Promise<void> => {
    let lastRefresh = 0;
    while (!stopped) {
      try {
        if (Date.now() - lastRefresh > SHARD_REFRESH_MS) {
          await refreshShards();
          lastRefresh = Date.now();
        }
        let got = 0;
        for (const [shard, iterator] of iterators) {
          if (!iterator) {
            iterators.delete(shard);
            doneShards.add(shard);
            continue;
          }
          let out: import('@aws-sdk/client-dynamodb-streams').GetRecordsCommandOutput;
          try {
            out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          } catch (err) {
            // DynamoDB Local 1.25 answers TrimmedDataAccessException to a TRIM_HORIZON
            // iterator of a shard with no record yet: take a fresh iterator next round.
            if ((err as Error).name !== 'TrimmedDataAccessException') throw err;
            iterators.delete(shard);
            lastRefresh = 0;
            continue;
          }
          iterators.set(shard, out.NextShardIterator);
          const appended = appendedEvents((out.Records ?? []) as StreamRecordLike[]);
          got += appended.length;
          // Marks are durable before the next batch is read; drains run on their own,
          // so a slow receiver never holds the stream (or another endpoint) back.
          if (appended.length > 0) track((await dispatcher.onAppended(appended)).drained);
        }
        if (got === 0) await new Promise((r) => setTimeout(r, POLL_IDLE_MS));
      } catch (err) {
        log.error({ err }, 'webhook stream poll failed');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };

  const sweepTimer = setInterval(() => {
    track(dispatcher.sweep().catch((err: unknown) => log.error({ err }, 'webhook sweep failed')));
  }, config.sweepIntervalMs);
  const polling = poll();
  log.info({ streamArn, destinations: config.destinations }, 'webhook dispatcher started');
  return {
    stop: async () => {
      stopped = true;
      clearInterval(sweepTimer);
      await polling;
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
