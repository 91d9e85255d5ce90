/**
 * The host's media uploader against the embedded S3: files of every size
 * class land byte-exact, a source that fails leaves no object, an S3 failure
 * is not mistaken for a source failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { PART_BYTES, SourceFailed, uploadInParts } from '../../session-host/src/media/part-upload.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws('parts');
});
afterAll(() => aws?.destroy());

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The file in chunks of uneven sizes, as a socket would hand them over. */
async function* chunksOf(file: Buffer, failAfter?: number): AsyncGenerator<Buffer> {
  let at = 0;
  let n = 0;
  while (at < file.length) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('download broke off');
    const size = [1, 16_384, 65_536, 7, 100_003][n++ % 5] as number;
    yield file.subarray(at, at + size);
    at += size;
  }
}

async function stored(key: string): Promise<Buffer | undefined> {
  try {
    const answer = await aws.s3.send(new GetObjectCommand({ Bucket: aws.mediaBucket, Key: key }));
    return Buffer.from(
      await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  } catch {
    return undefined;
  }
}

const target = (key: string) => ({
  s3: aws.s3,
  bucket: aws.mediaBucket,
  key,
  contentType: 'application/pdf',
});

describe('uploadInParts', () => {
  const sizes = {
    empty: 0,
    small: 1_000,
    'under one part': 3 * 1024 * 1024,
    'exactly one part': PART_BYTES,
    'one part and a byte': PART_BYTES + 1,
    'two parts exactly': 2 * PART_BYTES,
    'three parts and a bit': 2 * PART_BYTES + 123_457,
  };
  for (const [name, size] of Object.entries(sizes)) {
    it(`stores a file byte-exact: ${name} (${size} bytes)`, async () => {
      const file = randomBytes(size);
      const key = `media/t/s/${name.replaceAll(' ', '-')}`;
      await uploadInParts(target(key), chunksOf(file));
      const back = await stored(key);
      expect(back?.length).toBe(size);
      expect(sha(back as Buffer)).toBe(sha(file));
      const head = await aws.s3.send(new HeadObjectCommand({ Bucket: aws.mediaBucket, Key: key }));
      expect(head.ContentType).toBe('application/pdf');
    });
  }

  for (const failAfter of [10_000, PART_BYTES + 10, 2 * PART_BYTES + 10]) {
    it(`leaves no object when the source fails after ${failAfter} bytes`, async () => {
      const key = `media/t/s/fail-${failAfter}`;
      const err = await uploadInParts(target(key), chunksOf(randomBytes(3 * PART_BYTES), failAfter)).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SourceFailed);
      expect(((err as SourceFailed).source as Error).message).toBe('download broke off');
      expect(await stored(key)).toBeUndefined();
    });
  }

  it('reports an unreachable S3 as an upload failure, not a source failure', async () => {
    const dead = new S3Client(s3ClientConfig({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }));
    try {
      for (const size of [100, PART_BYTES + 1]) {
        const err = await uploadInParts(
          { s3: dead, bucket: aws.mediaBucket, key: 'media/t/s/dead', contentType: 'application/pdf' },
          chunksOf(randomBytes(size)),
        ).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect(err).not.toBeInstanceOf(SourceFailed);
      }
    } finally {
      dead.destroy();
    }
  });
});
