import { randomBytes } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuthenticationState, SignalDataSet } from '@whiskeysockets/baileys';
import { SerialQueue } from '#commons/concurrency/serial-queue.ts';
import { type AuthPointer, type AuthPointerStore, type Fence, FencedError } from '#commons/domain/fence.ts';
import { wipeS3Prefix } from '#commons/storage/s3-prefix-wipe.ts';
import type { AuthStats, SessionAuth } from '../ports/auth-state-store.ts';
import {
  type AuthData,
  type AuthDelta,
  AuthStateCorruptedError,
  applyDelta,
  applyKeys,
  decodeDelta,
  decodeSnapshot,
  encode,
  freshAuthData,
  readKeys,
} from './auth-data.ts';

export interface AuthStateOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** `auth/{tenant}/{session}/` */
  readonly prefix: string;
  readonly sessionId: string;
  readonly pointers: AuthPointerStore;
  readonly fence: Fence;
  /**
   * Called before a fenced commit fails: the host must close the WhatsApp
   * socket first, or Baileys would answer the failed decrypt with a retry
   * request on a connection this host no longer owns.
   */
  readonly onFenced: () => void;
  /** Called on every failed commit (S3 or DynamoDB down), before the error propagates to Baileys. */
  readonly onCommitError?: (err: unknown) => void;
  readonly compactAfterEntries?: number;
  readonly compactAfterBytes?: number;
}

export type AuthStateStats = AuthStats;

/**
 * Baileys' auth state, durable in S3 before any call resolves.
 *
 * Layout under the session prefix: immutable `snapshots/{epoch}-{version}-{writer}.json`
 * and `journal/{epoch}-{version}-{writer}.json` objects; the session record holds the
 * pointer (snapshot + ordered journal), replaced by a DynamoDB write
 * conditioned on owner + epoch. Objects carry the writer's epoch in their key,
 * so a fenced ex-owner can only add objects nobody points to: its late writes
 * never become part of the state the next owner restores.
 */
export class S3AuthState implements SessionAuth {
  readonly stats: AuthStateStats = { puts: 0, gets: 0, pointerWrites: 0, bytesWritten: 0 };
  private pointer: AuthPointer | undefined;
  private readonly commits = new SerialQueue();
  private fenced = false;
  /** Makes this writer's object keys unique even if a second writer shared the epoch by mistake. */
  private readonly writer = randomBytes(4).toString('hex');

  private constructor(
    private readonly options: AuthStateOptions,
    private readonly data: AuthData,
    pointer: AuthPointer | undefined,
  ) {
    this.pointer = pointer;
  }

  /** Restores the newest committed state, or starts a fresh one (persisted before use). */
  static async open(options: AuthStateOptions): Promise<S3AuthState> {
    const pointer = await options.pointers.load(options.sessionId);
    if (!pointer) {
      const state = new S3AuthState(options, freshAuthData(), undefined);
      await state.saveCreds();
      return state;
    }
    const data = await restore(options, pointer);
    return new S3AuthState(options, data, pointer);
  }

  /**
   * A phone completed the link. Not `creds.me`: Baileys' `requestPairingCode`
   * sets `me` before anyone typed the code. Not `creds.registered` either: rc14
   * sets it only on the pairing-code path, never after a QR scan. `account`
   * (the phone's signed device identity) arrives with pair-success on both.
   */
  get linked(): boolean {
    return Boolean(this.data.creds.me?.id && this.data.creds.account);
  }

  /**
   * A pairing code was asked for but never typed: Baileys would log in with the
   * `me` it set and fail. Forget it, so the next socket registers and shows a QR.
   */
  forgetUnfinishedPairing(): boolean {
    const creds = this.data.creds as { me?: unknown; pairingCode?: unknown };
    if (this.linked || creds.me === undefined) return false;
    delete creds.me;
    delete creds.pairingCode;
    return true;
  }

  /** What `makeWASocket({ auth })` takes. */
  get state(): AuthenticationState {
    return {
      creds: this.data.creds,
      keys: {
        get: async (type, ids) => readKeys(this.data, type, ids),
        set: (keys: SignalDataSet) => this.commit({ creds: this.data.creds, keys }),
      },
    };
  }

  /** Persists the current creds (Baileys' `creds.update`). */
  saveCreds(): Promise<void> {
    return this.commit({ creds: this.data.creds });
  }

  /** Resolves when every commit queued so far is durable (or failed). */
  flush(): Promise<void> {
    return this.commits.idle();
  }

  /** Deletes every object of the session and its pointer (logout / delete). */
  async wipe(): Promise<void> {
    // Refuse commits first: one landing after the listing would leave an object behind the wipe.
    this.fenced = true;
    await this.flush();
    await this.options.pointers.clear(this.options.sessionId, this.options.fence);
    this.pointer = undefined;
    await wipeS3Prefix({
      s3: this.options.s3,
      bucket: this.options.bucket,
      prefix: this.options.prefix,
      // A logged-out session's old journal entries still hold full creds: no version may stay.
      versions: 'all',
    });
  }

  private commit(delta: AuthDelta): Promise<void> {
    return this.commits.run(() => this.write(delta));
  }

  /** Fails every later commit (the host lost the session or its lease). */
  fence(): void {
    this.fenced = true;
  }

  private async write(delta: AuthDelta): Promise<void> {
    if (this.fenced) {
      throw new FencedError(`session ${this.options.sessionId} is fenced on this host`);
    }
    const { fence } = this.options;
    const previous = this.pointer;
    const version = (previous?.version ?? 0) + 1;
    try {
      const body = encode(delta);
      const key = `journal/${fence.epoch}-${version}-${this.writer}.json`;
      await this.put(key, body);
      let next: AuthPointer = {
        version,
        snapshot: previous?.snapshot,
        journal: [...(previous?.journal ?? []), key],
        journalBytes: (previous?.journalBytes ?? 0) + body.length,
      };
      const compact =
        next.journal.length >= (this.options.compactAfterEntries ?? 64) ||
        next.journalBytes >= (this.options.compactAfterBytes ?? 96 * 1024);
      if (compact) {
        const snapshot = `snapshots/${fence.epoch}-${version}-${this.writer}.json`;
        await this.put(snapshot, encode(stateAfter(this.data, delta)));
        next = { version, snapshot, journal: [], journalBytes: 0 };
      }
      await this.options.pointers.commit(this.options.sessionId, fence, previous?.version, next);
      this.stats.pointerWrites++;
      this.pointer = next;
      if (delta.keys) applyKeys(this.data, delta.keys);
      if (compact && previous) void this.deleteSuperseded(previous);
    } catch (err) {
      if (err instanceof FencedError) {
        this.fenced = true;
        this.options.onFenced();
      }
      this.options.onCommitError?.(err);
      throw err;
    }
  }

  private async put(key: string, body: Buffer): Promise<void> {
    await this.options.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: `${this.options.prefix}${key}`,
        Body: body,
        ContentType: 'application/json',
      }),
    );
    this.stats.puts++;
    this.stats.bytesWritten += body.length;
  }

  private async deleteSuperseded(previous: AuthPointer): Promise<void> {
    const keys = [...previous.journal, ...(previous.snapshot ? [previous.snapshot] : [])];
    await this.options.s3
      .send(
        new DeleteObjectsCommand({
          Bucket: this.options.bucket,
          Delete: { Objects: keys.map((k) => ({ Key: `${this.options.prefix}${k}` })), Quiet: true },
        }),
      )
      .catch(() => undefined);
  }
}

/** The state as it will be after `delta`, without touching the live copy (it changes only once durable). */
function stateAfter(data: AuthData, delta: AuthDelta): AuthData {
  const keys: AuthData['keys'] = {};
  for (const [type, bucket] of Object.entries(data.keys)) keys[type] = { ...bucket };
  const copy: AuthData = { creds: delta.creds, keys };
  if (delta.keys) applyKeys(copy, delta.keys);
  return copy;
}

async function restore(options: AuthStateOptions, pointer: AuthPointer): Promise<AuthData> {
  const get = async (key: string): Promise<Uint8Array> => {
    try {
      const out = await options.s3.send(
        new GetObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}${key}` }),
      );
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (cause) {
      if ((cause as { name?: string }).name === 'NoSuchKey') {
        throw new AuthStateCorruptedError(`auth object ${key} is missing`, { cause });
      }
      throw cause;
    }
  };
  const [snapshot, ...journal] = await Promise.all([
    pointer.snapshot ? get(pointer.snapshot) : Promise.resolve(undefined),
    ...pointer.journal.map(get),
  ]);
  const data = snapshot ? decodeSnapshot(snapshot, pointer.snapshot as string) : undefined;
  if (!data && journal.length === 0) throw new AuthStateCorruptedError('auth pointer references no state');
  const state = data ?? { ...freshAuthData(), keys: {} };
  for (const [i, bytes] of journal.entries())
    applyDelta(state, decodeDelta(bytes, pointer.journal[i] as string));
  return state;
}
