import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import type { HostMetrics } from '../metrics.ts';
import { GroupMetadataCache } from './group-metadata-cache.ts';
import { rotateSenderKey, rotationWrites } from './sender-key-rotation.ts';

/** Attempts of the standalone rotation after a removal (sends to the group rotate too until one succeeds). */
export const SENDER_KEY_ROTATION_ATTEMPTS = 3;
const ROTATION_BACKOFF_MS = [0, 250, 1_000];

export type GroupMetrics = Pick<
  HostMetrics,
  'groupMetadataFetches' | 'senderKeyRotations' | 'senderKeyRotationFailures'
>;

const bySocket = new WeakMap<WASocket, SocketGroups>();

export class SenderKeyRotationError extends Error {
  override readonly name = 'SenderKeyRotationError';
  readonly code = 'SENDER_KEY_ROTATION_FAILED';
}

/**
 * One socket's group state: the metadata cache Baileys reads before each
 * group send, and the groups whose sender key must be rotated.
 */
export class SocketGroups {
  readonly cache = new GroupMetadataCache();
  /** Groups that lost a member and whose rotation has not been committed on its own yet. */
  private readonly unrotated = new Set<string>();
  private sock: WASocket | undefined;
  private metrics: GroupMetrics | undefined;
  private onRotationFailed: (group: string, err: SenderKeyRotationError) => void = () => undefined;

  constructor(private readonly sleep: (ms: number) => Promise<void> = defaultSleep) {}

  static of(sock: WASocket): SocketGroups | undefined {
    return bySocket.get(sock);
  }

  /**
   * Counts this socket's metadata fetches and rotations in the host's metrics;
   * `onRotationFailed` surfaces a rotation that could not be written, whether
   * our own change through the API or a notification asked for it.
   */
  observe(
    metrics: GroupMetrics,
    onRotationFailed?: (group: string, err: SenderKeyRotationError) => void,
  ): void {
    this.metrics = metrics;
    if (onRotationFailed) this.onRotationFailed = onRotationFailed;
    this.cache.onFetch = () => metrics.groupMetadataFetches.inc();
  }

  bind(sock: WASocket): WASocket {
    this.sock = sock;
    this.cache.bind((jid) => sock.groupMetadata(jid));
    bySocket.set(sock, this);
    return sock;
  }

  /**
   * Baileys' `cachedGroupMetadata`, called inside the send's key transaction
   * before it reads the sender-key memory. While the group's rotation is not
   * committed, the deletes are put into this send's transaction first (the
   * store's `set` fills the transaction cache synchronously, before the
   * memory is read), so this send itself makes and distributes a new key.
   */
  readonly metadataForSend = (jid: string): Promise<GroupMetadata | undefined> => {
    const writes = this.unrotated.has(jid) && this.sock ? rotationWrites(this.sock, jid) : undefined;
    if (writes && this.sock) void this.sock.authState.keys.set(writes);
    return this.cache.get(jid);
  };

  /** Membership changed: the metadata is stale, and after a removal our sender key is rotated. */
  async membershipChanged(jid: string, removed: boolean): Promise<void> {
    this.cache.invalidate(jid);
    if (removed) await this.rotate(jid);
  }

  private async rotate(jid: string): Promise<void> {
    const sock = this.sock;
    if (!sock) return;
    this.unrotated.add(jid);
    let lastError: unknown;
    for (let attempt = 0; attempt < SENDER_KEY_ROTATION_ATTEMPTS; attempt++) {
      await this.sleep(ROTATION_BACKOFF_MS[attempt] ?? 1_000);
      try {
        await rotateSenderKey(sock, jid);
        this.unrotated.delete(jid);
        this.metrics?.senderKeyRotations.inc();
        return;
      } catch (err) {
        lastError = err;
      }
    }
    this.metrics?.senderKeyRotationFailures.inc();
    const error = new SenderKeyRotationError('the group sender key could not be rotated on its own', {
      cause: lastError,
    });
    this.onRotationFailed(jid, error);
    throw error;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
