import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignalDataSet, SignalKeyStore, SignalKeyStoreWithTransaction } from '@whiskeysockets/baileys';
import {
  entries,
  isJidKey,
  type KeyWaits,
  merged,
  put,
  SocketClosedError,
  transactionKind,
} from './key-entries.ts';

/** The context this module loaded in, outside every socket's transactions (see CommitBeforeWire.outside). */
const OUTSIDE_TRANSACTIONS = AsyncLocalStorage.snapshot();

/** One Baileys key transaction, as seen from inside it. */
interface Scope {
  /** Baileys' transaction key (a JID, or a name such as `lid-mapping`). */
  readonly key: string;
  /** When it took the Signal sessions (performance.now()), once it has. */
  heldSince: number | undefined;
  /** Keys the transaction set that no frame has waited for yet. */
  pending: SignalDataSet | undefined;
  /** Keys an early commit wrote for this transaction (`type\0id`): forgotten when it ends. */
  readonly early: string[];
  ended: boolean;
  /** Lets the next transaction at the Signal sessions, once this one has committed. */
  release: (() => void) | undefined;
}

interface EarlyWrite {
  readonly value: unknown;
  /** Whether the early commit succeeded. */
  readonly durable: Promise<boolean>;
}

/**
 * Baileys rc14 puts a message on the wire inside its key transaction and
 * commits the transaction's keys after it (`relayMessage`: encrypt, `sendNode`,
 * then commit). A host that loses the session between the two (killed, paused
 * past its lease, fenced) has sent a message whose ratchet step is not in the
 * durable state: the next owner re-uses keys the contact already consumed, and
 * cannot decrypt the contact's answers.
 *
 * So keys come first. A frame sent from inside a transaction that has set keys
 * waits (held by the ReceiptGate) until those keys are committed, early; the
 * transaction's own commit then skips what an early commit already wrote. The
 * same holds for every frame sent inside a transaction (a pre-key upload, a
 * group's sender key), not only messages. Frames sent outside one go at once.
 *
 * Baileys' transactions are exclusive per key only: a send (`relayMessage`,
 * keyed by our own JID) and a decrypt (keyed by the contact's JID) run at once
 * on the same Signal session, each from its own copy, and the later commit
 * overwrites the earlier one's ratchet step (the longer storage takes, the
 * wider the window). So the first transaction to read or write a Signal
 * session holds every session of the socket until it has committed; the next
 * one reads what it wrote.
 *
 * A transaction keyed by a JID takes the sessions when it starts. libsignal
 * runs every encrypt and decrypt for an address in one queue per process and
 * reads the session inside the queued job: a decrypt that waited there for the
 * sessions kept the send holding them waiting behind it, for good, and every
 * later socket on the host with it. A closed socket's waiters stop waiting.
 *
 * Once the socket has closed (`close`), its store starts no transaction and
 * commits nothing not yet written. Baileys goes on decrypting the frames it
 * had queued after its socket closed, and a message decrypted then cannot be
 * receipted, so Baileys never emits it (`sendReceipt` throws before
 * `upsertMessage`): WhatsApp delivers it again on the next connection. Had
 * its ratchet step been committed, that delivery would no longer decrypt.
 * The closed socket's late writes would also race the next socket's.
 *
 * Baileys builds its transaction-capable store inside `makeWASocket`, so the
 * scope is observed by wrapping that store's `transaction`, `get` and `set` on
 * the socket (`attach`), and the store Baileys commits to (`wrap`).
 */
export class CommitBeforeWire {
  private readonly scope = new AsyncLocalStorage<Scope>();
  private readonly early = new Map<string, EarlyWrite>();
  private raw: SignalKeyStore | undefined;
  /** Settles when the last transaction that took the Signal sessions has committed. */
  private sessionsTail: Promise<void> = Promise.resolve();
  private closed = false;
  /** Resolves on `close`: a transaction waiting for the Signal sessions stops waiting. */
  private readonly closing: Promise<void>;
  private endWaits: () => void = () => undefined;
  /** The transaction holding the Signal sessions, and how many wait for them (see `waits`). */
  private holder: Scope | undefined;
  private waiting = 0;
  private earlyPending = 0;

  constructor(
    private readonly options: {
      /**
       * Key work started from a finished transaction's context, run in a transaction of its own: what it was
       * (`transaction`, or the key types it read or wrote). Baileys rc14's privacy-token issuance after a
       * 1:1 send (fire-and-forget, `tctoken`) is the path our real-Baileys tests show: once per contact.
       */
      readonly onAfterEnd?: (work: string) => void;
    } = {},
  ) {
    this.closing = new Promise((resolve) => {
      this.endWaits = resolve;
    });
  }

  /** The store to give `makeWASocket`: a commit skips keys an early commit made durable. */
  wrap(store: SignalKeyStore): SignalKeyStore {
    this.raw = store;
    return {
      get: (type, ids) => store.get(type, ids),
      set: (data) => this.commit(store, data),
    };
  }

  /** Watches the transactions of the socket's store (`sock.authState.keys`); call right after `makeWASocket`. */
  attach(keys: SignalKeyStoreWithTransaction): void {
    const transaction = keys.transaction.bind(keys);
    const get = keys.get.bind(keys);
    const set = keys.set.bind(keys);
    keys.transaction = (work, key) => this.transaction(transaction, work, key);
    keys.get = async (type, ids) => {
      if (this.afterEnd()) return this.outside(type, () => keys.get(type, ids));
      const scope = this.live();
      if (scope && type === 'session') await this.takeSessions(scope);
      return get(type, ids);
    };
    keys.set = async (data) => {
      if (this.afterEnd()) return this.outside(Object.keys(data).join(','), () => keys.set(data));
      const scope = this.live();
      if (scope && data.session) await this.takeSessions(scope);
      if (scope) scope.pending = merged(scope.pending, data);
      return set(data);
    };
  }

  /**
   * For each outgoing frame: the commit it must wait for, when it is sent from
   * a transaction holding keys not yet durable. The commit is started here.
   */
  beforeFrame(): Promise<void> | undefined {
    const scope = this.scope.getStore();
    if (!scope || scope.ended || !scope.pending || !this.raw) return undefined;
    const data = scope.pending;
    scope.pending = undefined;
    const write = Promise.resolve(this.raw.set(data));
    this.earlyPending += 1;
    const durable = write.then(
      () => true,
      () => false,
    );
    void durable.then(() => {
      this.earlyPending -= 1;
    });
    for (const [key, value] of entries(data)) {
      this.early.set(key, { value, durable });
      scope.early.push(key);
    }
    return write;
  }

  /** The socket closed: no transaction starts, and no key not yet written is committed. */
  close(): void {
    this.closed = true;
    this.endWaits();
  }

  /** Entries an early commit wrote whose transaction's commit has not come yet (bounded by open transactions). */
  get earlyEntries(): number {
    return this.early.size;
  }

  /** What the transactions wait on now: a stalled send reports it, so a wait on our storage is told from WhatsApp's. */
  waits(): KeyWaits {
    const holder = this.holder;
    return {
      ...(holder?.heldSince !== undefined && {
        sessionsHeldBy: {
          kind: transactionKind(holder.key),
          heldMs: Math.round(performance.now() - holder.heldSince),
          committing: holder.ended,
        },
      }),
      waitingForSessions: this.waiting,
      earlyWritesPending: this.earlyPending,
    };
  }

  private async transaction<T>(
    baileys: SignalKeyStoreWithTransaction['transaction'],
    work: () => Promise<T>,
    key: string,
  ): Promise<T> {
    const outer = this.scope.getStore();
    // Nested: Baileys reuses the outer transaction, and so do we.
    if (outer && !outer.ended) return baileys(work, key);
    if (outer) return this.outside('transaction', () => this.transaction(baileys, work, key));
    if (this.closed) throw new SocketClosedError('the socket closed: no key transaction starts on it');
    const scope: Scope = {
      key,
      heldSince: undefined,
      pending: undefined,
      early: [],
      ended: false,
      release: undefined,
    };
    const scoped = async () => {
      try {
        if (isJidKey(key)) await this.takeSessions(scope);
        return await this.scope.run(scope, work);
      } finally {
        scope.ended = true;
      }
    };
    try {
      return await baileys(scoped, key);
    } finally {
      // Baileys has committed (or failed): the next transaction may read the sessions.
      scope.ended = true;
      if (this.holder === scope) this.holder = undefined;
      scope.release?.();
      this.forget(scope);
    }
  }

  /** In the context of a transaction that has ended: a timer or promise it left behind (see `outside`). */
  private afterEnd(): boolean {
    return this.scope.getStore()?.ended === true;
  }

  /**
   * Runs `work` outside every transaction. Async context outlives a
   * transaction: a timer or promise started inside one (an event handler, a
   * retry) runs later in its context, where Baileys still finds the finished
   * transaction and reuses it. Its reads then come from that transaction's
   * cache, and its writes go to mutations already committed: never durable,
   * and no frame waits for them. Such work is counted and given a fresh
   * transaction instead.
   */
  private outside<T>(what: string, work: () => T): T {
    this.options.onAfterEnd?.(what);
    return OUTSIDE_TRANSACTIONS(work);
  }

  private live(): Scope | undefined {
    const scope = this.scope.getStore();
    return scope && !scope.ended ? scope : undefined;
  }

  private async takeSessions(scope: Scope): Promise<void> {
    if (scope.release) return;
    const previous = this.sessionsTail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    scope.release = release;
    this.sessionsTail = previous.then(() => mine);
    this.waiting += 1;
    try {
      await Promise.race([previous, this.closing]);
    } finally {
      this.waiting -= 1;
    }
    // Its place in libsignal's queue (if it waited there) is given up; the holder ends with the socket too.
    if (this.closed) throw new SocketClosedError('the socket closed while waiting for its Signal sessions');
    scope.heldSince = performance.now();
    this.holder = scope;
  }

  private forget(scope: Scope): void {
    for (const key of scope.early) this.early.delete(key);
  }

  /** Baileys' commit: what an early commit wrote is not written twice (unless that write failed). */
  private async commit(store: SignalKeyStore, data: SignalDataSet): Promise<void> {
    const rest: SignalDataSet = {};
    let left = 0;
    const covered: { key: string; write: EarlyWrite }[] = [];
    for (const [key, value] of entries(data)) {
      const write = this.early.get(key);
      if (write && write.value === value) {
        covered.push({ key, write });
        this.early.delete(key);
      } else {
        put(rest, key, value);
        left += 1;
      }
    }
    for (const { key, write } of covered) {
      if (await write.durable) continue;
      put(rest, key, write.value);
      left += 1;
    }
    if (left === 0) return;
    if (this.closed) throw new SocketClosedError('the socket closed: its keys are not committed');
    await store.set(rest);
  }
}
