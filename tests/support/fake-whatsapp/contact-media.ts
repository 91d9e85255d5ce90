import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { proto } from '@whiskeysockets/baileys';
import type { FakeContext } from './context.ts';
import {
  encryptMediaToFile,
  FAKE_MEDIA_KINDS,
  type FakeMediaKind,
  flipped,
  type MediaCheck,
  verifyMediaFile,
} from './media-crypto.ts';
import type { MediaHost } from './media-host.ts';

/** Decrypted plaintext up to this size is kept in memory on the inbox entry; larger goes to a file. */
export const INBOX_MEDIA_BUFFER_LIMIT_BYTES = 16 * 1024 * 1024;

export class MediaOptionsError extends Error {}

/** What a fake contact sends with `sendMedia`. */
export interface SendMediaOptions {
  kind: FakeMediaKind;
  /** Exactly one of `bytes` and `filePath` (a file is streamed: 50 MB+ is fine). */
  bytes?: Uint8Array;
  filePath?: string;
  mimetype: string;
  /** Image, video and document only. */
  caption?: string;
  /** Document only. */
  fileName?: string;
  /** Audio only: a voice note. */
  ptt?: boolean;
  /** Audio and video duration. */
  seconds?: number;
  /** Makes exactly that check fail for the receiver: a flipped MAC byte in the file, or a wrong hash in the message. */
  corrupt?: 'mac' | 'enc-hash' | 'plaintext-hash';
  /** The hosted file answers 410 (true) or the given status from the start: media expired on WhatsApp. */
  expired?: boolean | 404 | 410;
}

/** Why a contact could not take a media message: a failed crypto check or a file the host does not have. */
export type MediaFailure = MediaCheck | 'not-found' | 'expired';

/** The media of a message a fake contact decrypted, fetched from the fake's host and checked. */
export interface ReceivedMedia {
  kind: FakeMediaKind;
  mimetype: string | undefined;
  caption?: string;
  fileName?: string;
  ptt?: boolean;
  seconds?: number;
  url?: string;
  directPath?: string;
  /** Plaintext length the message claims. */
  fileLength: number | undefined;
  /** True when the file hash, MAC, decryption, plaintext hash and length all checked out. */
  verified: boolean;
  /** Decrypted length and hex SHA-256 of the plaintext (empty when nothing could be read). */
  size: number;
  sha256: string;
  /** The plaintext, when verified and at most INBOX_MEDIA_BUFFER_LIMIT_BYTES. */
  bytes?: Buffer;
  /** The plaintext on disk (inside `fake.media.dir`), when verified and larger. */
  file?: string;
  /** `check` is the first failure; `failed` every one. */
  error?: { check: MediaFailure; failed: MediaFailure[]; message: string };
}

const FIELD: Record<FakeMediaKind, keyof proto.IMessage> = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
};

interface MediaContent {
  url?: string | null;
  directPath?: string | null;
  mediaKey?: Uint8Array | null;
  fileEncSha256?: Uint8Array | null;
  fileSha256?: Uint8Array | null;
  fileLength?: number | { toNumber(): number } | null;
  mimetype?: string | null;
  caption?: string | null;
  fileName?: string | null;
  ptt?: boolean | null;
  seconds?: number | null;
}

/** The media part of a message (a document with a caption comes wrapped), if any. */
export function mediaContentOf(
  message: proto.IMessage,
): { kind: FakeMediaKind; content: MediaContent } | undefined {
  const inner = message.documentWithCaptionMessage?.message ?? message;
  for (const kind of FAKE_MEDIA_KINDS) {
    const content = (inner[FIELD[kind]] ?? (kind === 'document' ? message.documentMessage : undefined)) as
      | MediaContent
      | null
      | undefined;
    if (content) return { kind, content };
  }
  return undefined;
}

function toNumber(value: MediaContent['fileLength']): number | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? value : value.toNumber();
}

/** Plaintext held in memory up to the limit, then moved to a file. */
class PlaintextSink {
  private chunks: Buffer[] = [];
  private length = 0;
  private out: WriteStream | undefined;
  file: string | undefined;

  constructor(private readonly host: MediaHost) {}

  write = async (chunk: Buffer): Promise<void> => {
    this.length += chunk.length;
    if (!this.out && this.length > INBOX_MEDIA_BUFFER_LIMIT_BYTES) {
      this.file = this.host.tempFile('.plain');
      this.out = createWriteStream(this.file, { mode: 0o600 });
      for (const earlier of this.chunks.splice(0)) this.out.write(earlier);
    }
    if (!this.out) {
      this.chunks.push(Buffer.from(chunk));
      return;
    }
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  };

  async keep(): Promise<{ bytes?: Buffer; file?: string }> {
    if (!this.out) return { bytes: Buffer.concat(this.chunks) };
    this.out.end();
    await finished(this.out);
    return { file: this.file! };
  }

  async discard(): Promise<void> {
    this.chunks = [];
    if (!this.out) return;
    this.out.end();
    await finished(this.out).catch(() => undefined);
    await rm(this.file!, { force: true });
  }
}

async function checkMedia(
  host: MediaHost,
  kind: FakeMediaKind,
  content: MediaContent,
): Promise<ReceivedMedia> {
  const fileLength = toNumber(content.fileLength);
  const base: ReceivedMedia = {
    kind,
    mimetype: content.mimetype ?? undefined,
    ...(content.caption ? { caption: content.caption } : {}),
    ...(content.fileName ? { fileName: content.fileName } : {}),
    ...(content.ptt ? { ptt: true } : {}),
    ...(content.seconds ? { seconds: content.seconds } : {}),
    ...(content.url ? { url: content.url } : {}),
    ...(content.directPath ? { directPath: content.directPath } : {}),
    fileLength,
    verified: false,
    size: 0,
    sha256: '',
  };
  const fail = (check: MediaFailure, message: string): ReceivedMedia => ({
    ...base,
    error: { check, failed: [check], message },
  });
  const hosted = host.find(content.directPath || content.url || '');
  if (!hosted)
    return fail('not-found', `the fake's media host has no file at ${content.directPath ?? content.url}`);
  if (hosted.status) return fail('expired', `the hosted file answers ${hosted.status}`);
  if (!content.mediaKey?.length) return fail('mac', 'the message carries no mediaKey');
  const sink = new PlaintextSink(host);
  const result = await verifyMediaFile(
    hosted.file,
    kind,
    {
      mediaKey: content.mediaKey,
      fileEncSha256: content.fileEncSha256,
      fileSha256: content.fileSha256,
      ...(fileLength !== undefined ? { fileLength } : {}),
    },
    sink.write,
  );
  const checked = { ...base, size: result.size, sha256: result.sha256 };
  const [first] = result.failed;
  if (first) {
    await sink.discard();
    return { ...checked, error: { check: first, failed: result.failed, message: result.message ?? first } };
  }
  return { ...checked, verified: true, ...(await sink.keep()) };
}

// The client sends its own phone a deviceSent copy of each message: check each file once.
const checked = new WeakMap<MediaHost, Map<string, Promise<ReceivedMedia>>>();

/** Fetches and checks the media a contact just decrypted, if the message has any. */
export function receiveMedia(ctx: FakeContext, message: proto.IMessage): Promise<ReceivedMedia> | undefined {
  const found = mediaContentOf(message);
  if (!found) return undefined;
  let cache = checked.get(ctx.media);
  if (!cache) {
    cache = new Map();
    checked.set(ctx.media, cache);
  }
  const key = `${found.content.directPath ?? found.content.url}\0${Buffer.from(found.content.mediaKey ?? []).toString('hex')}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = checkMedia(ctx.media, found.kind, found.content);
    cache.set(key, pending);
  }
  return pending;
}

/** The plaintext a contact received, from memory or its file. */
export async function receivedMediaBytes(media: ReceivedMedia): Promise<Buffer> {
  if (media.bytes) return media.bytes;
  if (media.file) return readFile(media.file);
  throw new MediaOptionsError(`media was not verified: ${media.error?.message ?? 'no bytes'}`);
}

function validate(options: SendMediaOptions): void {
  if (!FAKE_MEDIA_KINDS.includes(options.kind))
    throw new MediaOptionsError(`unknown media kind ${options.kind}`);
  if ((options.bytes === undefined) === (options.filePath === undefined))
    throw new MediaOptionsError('exactly one of bytes and filePath is required');
  if (!options.mimetype) throw new MediaOptionsError('mimetype is required');
  if (options.caption !== undefined && !['image', 'video', 'document'].includes(options.kind))
    throw new MediaOptionsError(`a ${options.kind} has no caption`);
  if (options.fileName !== undefined && options.kind !== 'document')
    throw new MediaOptionsError('fileName is for documents');
  if (options.ptt !== undefined && options.kind !== 'audio') throw new MediaOptionsError('ptt is for audio');
}

/** Encrypts and hosts the file, and builds the message a contact's phone would send for it. */
export async function buildMediaMessage(
  ctx: FakeContext,
  options: SendMediaOptions,
): Promise<proto.IMessage> {
  validate(options);
  const source = options.filePath
    ? createReadStream(options.filePath)
    : Readable.from([Buffer.from(options.bytes!)]);
  const file = ctx.media.tempFile('.enc');
  const encrypted = await encryptMediaToFile(source, options.kind, `${file}.part`, {
    corruptMac: options.corrupt === 'mac',
  }).catch(async (err: unknown) => {
    await rm(`${file}.part`, { force: true });
    throw err;
  });
  await rename(`${file}.part`, file);
  const hosted = ctx.media.host(options.kind, file, encrypted.encLength, 'contact');
  if (options.expired) hosted.status = options.expired === true ? 410 : options.expired;
  const content = {
    url: hosted.url,
    directPath: hosted.directPath,
    mediaKey: encrypted.mediaKey,
    fileEncSha256:
      options.corrupt === 'enc-hash' ? flipped(encrypted.fileEncSha256) : encrypted.fileEncSha256,
    fileSha256: options.corrupt === 'plaintext-hash' ? flipped(encrypted.fileSha256) : encrypted.fileSha256,
    fileLength: encrypted.fileLength,
    mimetype: options.mimetype,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
    ...(options.caption !== undefined ? { caption: options.caption } : {}),
    ...(options.fileName !== undefined ? { fileName: options.fileName, title: options.fileName } : {}),
    ...(options.ptt ? { ptt: true } : {}),
    ...(options.seconds !== undefined ? { seconds: options.seconds } : {}),
  };
  return proto.Message.fromObject({ [FIELD[options.kind]]: content });
}
