/**
 * Lambda entry of the webhook dispatcher: a DynamoDB Stream batch of the
 * events table (event source mapping) or the scheduled sweep (EventBridge).
 */
import { emfGauge } from '#commons/webhooks/webhook-metrics.ts';
import { composeDispatcher } from './compose.ts';
import { countMessages, MESSAGE_STATS_LOST_METRIC } from './message-counter.ts';
import { appendedEvents, type StreamRecordLike } from './stream-records.ts';

const { dispatcher, stats, log } = composeDispatcher(process.env);
const statsLost = (n: number): void => {
  process.stdout.write(`${emfGauge(MESSAGE_STATS_LOST_METRIC, n, 'Count', Date.now())}\n`);
};

/** Drains run at most this long inside a stream batch; what is left is marked due for the sweeper. */
const STREAM_DRAIN_BUDGET_MS = 20_000;

export async function handler(event: { Records?: StreamRecordLike[] }): Promise<void> {
  if (Array.isArray(event.Records)) {
    const { drained } = await dispatcher.onAppended(appendedEvents(event.Records));
    await countMessages(stats, event.Records, log, statsLost);
    await Promise.race([drained, new Promise((r) => setTimeout(r, STREAM_DRAIN_BUDGET_MS).unref())]);
    return;
  }
  await dispatcher.sweep();
}
