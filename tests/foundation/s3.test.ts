import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws('s3');
});
afterAll(() => aws.destroy());

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('S3 through the real SDK against the embedded service', () => {
  it('round-trips a streamed upload byte for byte', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const chunks = Array.from({ length: 8 }, (_, i) =>
      body.subarray((i * body.length) / 8, ((i + 1) * body.length) / 8),
    );
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: aws.bucket,
        Key: 'stream/one',
        Body: Readable.from(chunks),
        ContentLength: body.length,
      }),
    );
    const got = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: 'stream/one' }));
    const bytes = await got.Body?.transformToByteArray();
    expect(bytes?.length).toBe(body.length);
    expect(sha(bytes as Uint8Array)).toBe(sha(body));
  });

  it('round-trips a multipart upload of unknown length byte for byte', async () => {
    const body = randomBytes(11 * 1024 * 1024 + 5);
    const upload = new Upload({
      client: aws.s3,
      params: {
        Bucket: aws.bucket,
        Key: 'stream/multi',
        Body: Readable.from([body.subarray(0, 7e6), body.subarray(7e6)]),
      },
      partSize: 5 * 1024 * 1024,
    });
    await upload.done();
    const got = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: 'stream/multi' }));
    const bytes = await got.Body?.transformToByteArray();
    expect(sha(bytes as Uint8Array)).toBe(sha(body));
  });

  it('lists a prefix across pages with continuation tokens', async () => {
    const keys = Array.from({ length: 27 }, (_, i) => `list/k-${String(i).padStart(3, '0')}`);
    await Promise.all(
      keys.map((Key) => aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key, Body: Key }))),
    );
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await aws.s3.send(
        new ListObjectsV2Command({
          Bucket: aws.bucket,
          Prefix: 'list/',
          MaxKeys: 10,
          ContinuationToken: token,
        }),
      );
      seen.push(...(page.Contents ?? []).map((o) => o.Key as string));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect(seen).toEqual(keys);
    expect(pages).toBe(3);
  });
});
