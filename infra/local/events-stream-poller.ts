/**
 * Reads every shard of the events table's DynamoDB Stream from its oldest
 * record, as a Lambda event source mapping would, and hands each batch of
 * records on. Local runtime only: in AWS the mapping does this.
 */
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '#commons/logging/logger.ts';
import type { StreamRecordLike } from '../../functions/webhooks/stream-records.ts';

const POLL_IDLE_MS = 100;
const SHARD_REFRESH_MS = 5_000;

export interface StreamPoller {
  /** Resolves once `stop` was called and the current round ended. */
  readonly done: Promise<void>;
  stop(): void;
}

/** `onRecords` returns how many of the records it used; an idle round waits a little. */
export function pollEventsStream(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  onRecords: (records: StreamRecordLike[]) => Promise<number>,
  log: Logger,
): StreamPoller {
  let stopped = false;
  const iterators = new Map<string, string | undefined>();
  const doneShards = new Set<string>();
  let lastRefresh = 0;

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

  const readShard = async (shard: string, iterator: string | undefined): Promise<number> => {
    if (!iterator) {
      iterators.delete(shard);
      doneShards.add(shard);
      return 0;
    }
    let out: GetRecordsCommandOutput;
    try {
      out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    } catch (err) {
      // DynamoDB Local 1.25 answers TrimmedDataAccessException to a TRIM_HORIZON
      // iterator of a shard with no record yet: take a fresh iterator next round.
      if ((err as Error).name !== 'TrimmedDataAccessException') throw err;
      iterators.delete(shard);
      lastRefresh = 0;
      return 0;
    }
    iterators.set(shard, out.NextShardIterator);
    return onRecords((out.Records ?? []) as StreamRecordLike[]);
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        if (Date.now() - lastRefresh > SHARD_REFRESH_MS) {
          await refreshShards();
          lastRefresh = Date.now();
        }
        let got = 0;
        for (const [shard, iterator] of [...iterators]) got += await readShard(shard, iterator);
        if (got === 0) await new Promise((r) => setTimeout(r, POLL_IDLE_MS));
      } catch (err) {
        log.error({ err }, 'webhook stream poll failed');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };

  return {
    done: run(),
    stop: () => {
      stopped = true;
    },
  };
}
