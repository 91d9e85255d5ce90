import { randomBytes } from 'node:crypto';
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuthenticationState, SignalDataSet } from '@whiskeysockets/baileys';
import { SerialQueue } from '#commons/concurrency/serial-queue.ts';
import { type AuthPointer, type AuthPointerStore, type Fence, FencedError } from '#commons/domain/fence.ts';
import { wipeS3Prefix } from '#commons/storage/s3-prefix-wipe.ts';
import type { AuthStats, SessionAuth } from '../ports/auth-state-store.ts';
import { pack } from './auth-codec.ts';
import {
  type AuthData,
  AuthStateCorruptedError,
  applyKeys,
  type ColdBatch,
  coldBatchOf,
  freshAuthData,
  readKeys,
} from './auth-data.ts';
import { getAuthObject, restore } from './auth-restore.ts';
import { addsPreKeys, compact, snapshotBody } from './compaction.ts';
import { CredsLedger } from './creds-delta.ts';

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
  /** Each commit waits on it first (the host's lease lost: nothing is written until it is back). */
  readonly whenActing?: () => Promise<void>;
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
  private wakeOnFence: () => void = () => undefined;
  /** Resolves once fenced: a commit waiting for the lease fails at once instead (a DELETE's quiesce waits on it). */
  private readonly fencedSignal = new Promise<void>((resolve) => {
    this.wakeOnFence = resolve;
  });
  lastStorageFailureAt = 0;
  /** Makes this writer's object keys unique even if a second writer shared the epoch by mistake. */
  private readonly writer = randomBytes(4).toString('hex');
  /** The creds as last made durable: a commit carries only the fields that differ. */
  private readonly ledger: CredsLedger;

  private constructor(
    private readonly options: AuthStateOptions,
    private readonly data: AuthData,
    pointer: AuthPointer | undefined,
  ) {
    this.pointer = pointer;
    this.ledger = new CredsLedger(pointer ? data.creds : undefined);
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
        get: (type, ids) => readKeys(this.data, type, ids, (batch, wanted) => this.readCold(batch, wanted)),
        set: (keys: SignalDataSet) => this.commit(keys),
      },
    };
  }

  /** Persists the current creds (Baileys' `creds.update`). */
  saveCreds(): Promise<void> {
    return this.commit(undefined);
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

  private commit(keys: SignalDataSet | undefined): Promise<void> {
    return this.commits.run(() => this.write(keys));
  }

  /** Fails every later commit (the host lost the session or its lease). */
  fence(): void {
    this.fenced = true;
    this.wakeOnFence();
  }

  /**
   * One commit: the creds fields changed since the last durable commit and the
   * keys Baileys set, together in one object (a journal entry, or a new
   * snapshot when the journal is long or pre-keys arrived), then the pointer.
   */
  private async write(keys: SignalDataSet | undefined): Promise<void> {
    await Promise.race([this.options.whenActing?.(), this.fencedSignal]);
    if (this.fenced) {
      throw new FencedError(`session ${this.options.sessionId} is fenced on this host`);
    }
    const { fence } = this.options;
    const previous = this.pointer;
    const version = (previous?.version ?? 0) + 1;
    const name = (kind: string) => `${kind}/${fence.epoch}-${version}-${this.writer}.json.gz`;
    try {
      const creds = this.ledger.diff(this.data.creds);
      const body = await pack({ v: 2, creds: creds.delta, ...(keys && { keys }) });
      const entries = (previous?.journal.length ?? 0) + 1;
      const bytes = (previous?.journalBytes ?? 0) + body.length;
      const compacted =
        entries >= (this.options.compactAfterEntries ?? 64) ||
        bytes >= (this.options.compactAfterBytes ?? 96 * 1024) ||
        addsPreKeys(keys)
          ? compact(this.data, keys, name('cold'))
          : undefined;
      let next: AuthPointer;
      if (compacted) {
        // The snapshot holds this commit: no journal entry is written for it.
        if (compacted.coldPut) await this.put(compacted.coldPut.object, await pack(compacted.coldPut.keys));
        const snapshot = name('snapshots');
        await this.put(snapshot, await pack(snapshotBody(compacted.data)));
        next = { version, snapshot, journal: [], journalBytes: 0 };
      } else {
        const key = name('journal');
        await this.put(key, body);
        next = {
          version,
          snapshot: previous?.snapshot,
          journal: [...(previous?.journal ?? []), key],
          journalBytes: bytes,
        };
      }
      await this.options.pointers.commit(this.options.sessionId, fence, previous?.version, next);
      this.stats.pointerWrites++;
      this.pointer = next;
      this.ledger.accept(creds);
      if (compacted) {
        this.data.keys = compacted.data.keys;
        this.data.cold = compacted.data.cold;
        // Queued, not awaited: the next commit waits for it, this one does not. Run beside a PUT
        // under the same prefix, s3rver removes the emptied folder under that PUT and crashes.
        if (previous) void this.commits.run(() => this.deleteSuperseded(previous, compacted.dropped));
      } else if (keys) applyKeys(this.data, keys);
    } catch (err) {
      if (err instanceof FencedError) {
        this.fenced = true;
        this.options.onFenced();
      } else this.lastStorageFailureAt = Date.now();
      this.options.onCommitError?.(err);
      throw err;
    }
  }

  /**
   * Cold pre-keys from their object. A failed read throws: reporting a key
   * absent that exists would make Baileys drop a new contact's first message.
   */
  private async readCold(batch: ColdBatch, ids: string[]): Promise<Record<string, unknown>> {
    let value: unknown;
    try {
      value = await getAuthObject(this.options, batch.object);
      this.stats.gets++;
    } catch (err) {
      // Deleted by a compaction that ran meanwhile: those pre-keys were deleted first; read them again.
      if (err instanceof AuthStateCorruptedError && !this.data.cold.some((b) => b.object === batch.object)) {
        return readKeys(this.data, 'pre-key', ids, (b, wanted) => this.readCold(b, wanted));
      }
      this.lastStorageFailureAt = Date.now();
      throw err;
    }
    const out: Record<string, unknown> = {};
    for (const id of ids) {
      const key = (value as Record<string, unknown> | null)?.[id];
      if (key === undefined)
        throw new AuthStateCorruptedError(`pre-key ${id} is missing from ${batch.object}`);
      // Deleted while the object was read: the live state is what Baileys must see.
      if (coldBatchOf(this.data, id)?.object === batch.object) out[id] = key;
    }
    return out;
  }

  private async put(key: string, body: Buffer): Promise<void> {
    await this.options.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: `${this.options.prefix}${key}`,
        Body: body,
        ContentType: 'application/gzip',
      }),
    );
    this.stats.puts++;
    this.stats.bytesWritten += body.length;
  }

  private async deleteSuperseded(previous: AuthPointer, dropped: readonly string[]): Promise<void> {
    const keys = [...previous.journal, ...(previous.snapshot ? [previous.snapshot] : []), ...dropped];
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
