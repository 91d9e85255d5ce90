import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbWebhookDeliveries,
  MAX_LIST_PAGES_READ,
} from '#commons/webhooks/dynamodb-webhook-deliveries.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

/**
 * `GET /v1/webhooks/{id}/deliveries?status=dead` filters on a partition
 * that holds 14 days of an endpoint's deliveries. One request must read a
 * bounded number of pages and hand back where to continue, instead of
 * scanning the whole partition inside one Lambda invocation.
 */
let aws: TestAws;
const ENDPOINT = 'whk_listlistlistlistlist';
const SESSION = 'ses_aaaaaaaaaaaaaaaaaaaa';
const DELIVERED = 1_500;

beforeAll(async () => {
  aws = await createTestAws('whlist');
  const expiresAt = Math.floor(Date.now() / 1000) + 86_400;
  const item = (seq: number, status: string) => ({
    PutRequest: {
      Item: {
        endpointId: ENDPOINT,
        deliveryKey: `${SESSION}#${String(seq).padStart(12, '0')}`,
        sessionId: SESSION,
        seq,
        eventId: `evt-${seq}`,
        type: 'session:status',
        status,
        updatedAt: new Date().toISOString(),
        expiresAt,
        attempts: [],
      },
    },
  });
  const items = [
    ...Array.from({ length: DELIVERED }, (_, i) => item(i + 1, 'delivered')),
    item(DELIVERED + 1, 'dead'),
  ];
  for (let i = 0; i < items.length; i += 25) {
    await aws.doc.send(
      new BatchWriteCommand({ RequestItems: { [aws.tables.webhookDeliveries]: items.slice(i, i + 25) } }),
    );
  }
}, 120_000);
afterAll(() => aws?.destroy());

function countingDoc(): { doc: DynamoDBDocumentClient; queries: () => number } {
  let queries = 0;
  const doc = {
    send: (command: unknown) => {
      if (command instanceof QueryCommand) queries += 1;
      return aws.doc.send(command as QueryCommand);
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, queries: () => queries };
}

describe('listing deliveries with a status filter', () => {
  it('reads a bounded number of pages per request and continues from where it stopped', async () => {
    const { doc, queries } = countingDoc();
    const log = new DynamoDbWebhookDeliveries(doc, aws.tables.webhookDeliveries);
    const found: number[] = [];
    let after: string | undefined;
    let requests = 0;
    do {
      const before = queries();
      const page = await log.list(ENDPOINT, { status: 'dead', limit: 10, after });
      expect(queries() - before).toBeLessThanOrEqual(MAX_LIST_PAGES_READ);
      found.push(...page.deliveries.map((d) => d.seq));
      after = page.next;
      requests += 1;
    } while (after !== undefined && requests < 50);
    expect(found).toEqual([DELIVERED + 1]);
    expect(requests).toBeGreaterThan(1);
  });

  it('still fills a page of unfiltered deliveries in one request', async () => {
    const log = new DynamoDbWebhookDeliveries(aws.doc, aws.tables.webhookDeliveries);
    const page = await log.list(ENDPOINT, { limit: 100 });
    expect(page.deliveries.map((d) => d.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(page.next).toBeDefined();
  });
});
