import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** S3's smallest multipart part, and the size of each of an upload's two part buffers. */
export const PART_BYTES = 5 * 1024 * 1024;

/**
 * The documented bound on a host's extra memory during one media transfer:
 * two part buffers (10 MB) and the stream chunks between scavenges.
 * `npm run bench -- media` measures the peak against it.
 */
export const TRANSFER_PEAK_BOUND_MB = 16;

/** Up to this size a file is gathered as it comes and stored with one PutObject, without a part buffer. */
const SMALL_FILE_BYTES = 256 * 1024;

/** Part buffers kept for the next upload: at most this many bytes stay allocated between transfers. */
const IDLE_PART_BUFFERS = 2;
const idle: Buffer[] = [];

function takeBuffer(): Buffer {
  return idle.pop() ?? Buffer.allocUnsafeSlow(PART_BYTES);
}

function giveBack(buffers: Buffer[]): void {
  for (const b of buffers) if (idle.length < IDLE_PART_BUFFERS) idle.push(b);
}

export interface PartUploadTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
}

/** Which side failed: the bytes coming in (a check, the download) or S3. */
export class SourceFailed extends Error {
  constructor(readonly source: unknown) {
    super('the upload source failed', { cause: source });
  }
}

/**
 * Streams `source` into one S3 object through two fixed part buffers: one
 * fills while the other uploads, and each is reused for the next part.
 * lib-storage's Upload concatenates a fresh 5 MB buffer per part; those
 * outlive a scavenge, so a 50 MB file left ~50 MB of old-space garbage that
 * only a full GC (triggered by 64 MB of external growth) returned. Here a
 * transfer holds at most two part buffers (10 MB) whatever the file's size;
 * a file under one part is a single PutObject (from one part buffer, or
 * from its own chunks when it is small). The object appears only once `source` ended
 * without error; a failure aborts the multipart upload.
 */
export async function uploadInParts(target: PartUploadTarget, source: AsyncIterable<Buffer>): Promise<void> {
  const reader = new PartReader(source);
  const head = await reader.readAhead(SMALL_FILE_BYTES + 1);
  if (head.ended) return putObject(target, Buffer.concat(head.pending));
  const buffers: Buffer[] = [takeBuffer()];
  try {
    const fill = (buffer: Buffer): Promise<Filled> => reader.fill(buffer);
    const first = await fill(buffers[0] as Buffer);
    if (first.done) return await putObject(target, (buffers[0] as Buffer).subarray(0, first.filled));
    buffers.push(takeBuffer());
    await multipart(target, buffers as [Buffer, Buffer], first, fill);
  } finally {
    giveBack(buffers);
  }
}

async function putObject(target: PartUploadTarget, body: Buffer): Promise<void> {
  await target.s3.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      ContentType: target.contentType,
      Body: body,
    }),
  );
}

type Filled = { filled: number; done: boolean };

async function multipart(
  target: PartUploadTarget,
  buffers: [Buffer, Buffer],
  first: Filled,
  fill: (buffer: Buffer) => Promise<Filled>,
): Promise<void> {
  const created = await target.s3.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      ContentType: target.contentType,
    }),
  );
  const uploadId = created.UploadId as string;
  const parts: CompletedPart[] = [];
  const upload = async (buffer: Buffer, filled: number): Promise<void> => {
    const PartNumber = parts.length + 1;
    parts.push({ PartNumber });
    const answer = await target.s3.send(
      new UploadPartCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        PartNumber,
        Body: buffer.subarray(0, filled),
      }),
    );
    (parts[PartNumber - 1] as CompletedPart).ETag = answer.ETag;
  };
  try {
    let current = first;
    let index = 0;
    for (;;) {
      const buffer = buffers[index] as Buffer;
      const uploading = upload(buffer, current.filled);
      if (current.done) {
        await uploading;
        break;
      }
      index = 1 - index;
      // Both settle before either buffer is touched again.
      const [sent, next] = await Promise.allSettled([uploading, fill(buffers[index] as Buffer)]);
      if (next.status === 'rejected') throw next.reason;
      if (sent.status === 'rejected') throw sent.reason;
      current = next.value;
      if (current.filled === 0) break;
    }
    await target.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (err) {
    // Best effort: the bucket's lifecycle rule aborts what is left after a day.
    await target.s3
      .send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }))
      .catch(() => undefined);
    throw err;
  }
}

/** Reads a chunk stream into fixed buffers; what does not fit one buffer starts the next. */
class PartReader {
  private readonly iterator: AsyncIterator<Buffer>;
  /** Chunks read but not yet copied out, oldest first. */
  private readonly pending: Buffer[] = [];
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Reads ahead until `bytes` are pending or the source ended: a small file never needs a part buffer. */
  async readAhead(bytes: number): Promise<{ pending: Buffer[]; ended: boolean }> {
    let have = this.pending.reduce((n, b) => n + b.length, 0);
    while (have < bytes && !this.ended) {
      const next = await this.next();
      if (next) {
        this.pending.push(next);
        have += next.length;
      }
    }
    return { pending: this.pending, ended: this.ended };
  }

  async fill(buffer: Buffer): Promise<Filled> {
    let filled = 0;
    while (filled < buffer.length) {
      const chunk = this.pending.shift() ?? (await this.next());
      if (!chunk) return { filled, done: true };
      const copied = chunk.copy(buffer, filled);
      filled += copied;
      if (copied < chunk.length) this.pending.unshift(chunk.subarray(copied));
    }
    return { filled, done: this.ended && this.pending.length === 0 };
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.iterator.next();
    } catch (err) {
      throw new SourceFailed(err);
    }
    if (next.done) this.ended = true;
    return next.done ? undefined : next.value;
  }
}
