import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import {
  DEFAULT_CONNECTION_CONFIG,
  type SignalKeyStoreWithTransaction,
  type SocketConfig,
} from '@whiskeysockets/baileys';

/** The auth state key type that keeps what recent messages decrypted to (a ring of numbered slots). */
export const DECRYPTED_TYPE = 'zf-decrypted';
/** How many decrypted messages a session keeps, to answer a delivery of one whose keys are spent. */
export const MAX_DECRYPTED_KEPT = 128;
/** A larger plaintext is not kept (a text message is at most 64 KB). */
export const MAX_DECRYPTED_BYTES = 64 * 1024;

type MakeRepository = SocketConfig['makeSignalRepository'];

interface Kept {
  /** Order of keeping: the ring resumes after the highest. */
  readonly n: number;
  /** Digest of who sent it and its ciphertext. */
  readonly h: string;
  readonly p: Uint8Array;
}

/**
 * Baileys commits a message's ratchet step when it decrypts it, then sends
 * its receipt, then emits it (rc14 `handleMessage`). Between the commit and
 * the message's event being durable, a socket that closes (the receipt
 * throws and the message is never emitted) or a host that dies leaves a
 * message WhatsApp delivers again, whose keys are spent: Baileys then nacks
 * it (`Key used already or never filled`) without a retry receipt, and it is
 * lost.
 *
 * So decrypting is made idempotent. What a message decrypted to is written
 * in the same key transaction as its ratchet step (Baileys' own, whose work
 * returns the plaintext just before it commits), under a digest of its
 * sender and ciphertext; a delivery of the same ciphertext again is answered
 * from it before any transaction starts, and touches no key. Baileys' decrypt
 * is otherwise run as it was: nothing more happens inside its transaction.
 * The last `MAX_DECRYPTED_KEPT` are kept, in the auth state (so they move
 * with the session and are wiped with it).
 */
export function decryptOnce(
  onReplay: () => void,
  make: MakeRepository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository,
): MakeRepository {
  return (auth, logger, pnToLid) => {
    const repository = make(auth, logger, pnToLid);
    const keys = auth.keys as SignalKeyStoreWithTransaction;
    const ring = new DecryptedRing(keys);
    const decrypting = new AsyncLocalStorage<{ readonly digest: string; kept: boolean }>();
    // Baileys' decrypt runs in its own key transaction: what it returns is kept in that transaction, before its commit.
    const transaction = keys.transaction.bind(keys);
    keys.transaction = (work, key) =>
      transaction(async () => {
        const result = await work();
        const pending = decrypting.getStore();
        if (pending && !pending.kept && result instanceof Uint8Array) {
          pending.kept = true;
          await ring.keep(pending.digest, result);
        }
        return result;
      }, key);
    const once = async (digest: string, decrypt: () => Promise<Uint8Array>) => {
      // A read that fails is a miss: the message decrypts as it would have without the ring.
      const kept = await ring.find(digest).catch(() => undefined);
      if (kept) {
        onReplay();
        return kept;
      }
      return decrypting.run({ digest, kept: false }, decrypt);
    };
    const decryptMessage = repository.decryptMessage.bind(repository);
    const decryptGroupMessage = repository.decryptGroupMessage.bind(repository);
    repository.decryptMessage = (opts) =>
      once(digestOf('1', opts.jid, opts.type, opts.ciphertext), () => decryptMessage(opts));
    repository.decryptGroupMessage = (opts) =>
      once(digestOf('g', opts.group, opts.authorJid, opts.msg), () => decryptGroupMessage(opts));
    return repository;
  };
}

/** The kept plaintexts: slot `n % MAX_DECRYPTED_KEPT` holds the n-th; the digests are indexed in memory. */
class DecryptedRing {
  private readonly digests: (string | undefined)[] = [];
  private readonly slots = new Map<string, number>();
  private next = 0;
  private loaded: Promise<void> | undefined;

  constructor(private readonly keys: SignalKeyStoreWithTransaction) {}

  async find(digest: string): Promise<Uint8Array | undefined> {
    this.loaded ??= this.load().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    await this.loaded;
    const slot = this.slots.get(digest);
    if (slot === undefined) return undefined;
    const kept = (await this.read([String(slot)]))[String(slot)];
    return kept?.h === digest ? new Uint8Array(kept.p) : undefined;
  }

  /** Written with the transaction's other keys; a rollback leaves the slot as it was. */
  async keep(digest: string, plaintext: Uint8Array): Promise<void> {
    if (plaintext.length > MAX_DECRYPTED_BYTES) return;
    const n = this.next++;
    const slot = n % MAX_DECRYPTED_KEPT;
    const evicted = this.digests[slot];
    if (evicted !== undefined) this.slots.delete(evicted);
    this.digests[slot] = digest;
    this.slots.set(digest, slot);
    const kept: Kept = { n, h: digest, p: plaintext };
    await this.keys.set({ [DECRYPTED_TYPE]: { [String(slot)]: kept } } as never);
  }

  private async load(): Promise<void> {
    const ids = Array.from({ length: MAX_DECRYPTED_KEPT }, (_, i) => String(i));
    const found = await this.read(ids);
    for (const [id, kept] of Object.entries(found)) {
      if (!kept || typeof kept.h !== 'string' || typeof kept.n !== 'number') continue;
      const slot = Number(id);
      this.digests[slot] = kept.h;
      this.slots.set(kept.h, slot);
      this.next = Math.max(this.next, kept.n + 1);
    }
  }

  private async read(ids: string[]): Promise<Record<string, Kept | undefined>> {
    return (await this.keys.get(DECRYPTED_TYPE as never, ids)) as Record<string, Kept | undefined>;
  }
}

function digestOf(kind: string, ...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256').update(kind);
  for (const part of parts) hash.update('\0').update(part);
  return hash.digest('base64url');
}
