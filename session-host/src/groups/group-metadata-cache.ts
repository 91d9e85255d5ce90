import type { GroupMetadata } from '@whiskeysockets/baileys';

/** Groups whose metadata one session keeps; the least recently used goes first. */
export const GROUP_METADATA_CACHE_LIMIT = 256;
/** Metadata older than this is fetched again even without a notification (one may have been missed offline). */
export const GROUP_METADATA_TTL_MS = 5 * 60_000;

interface Entry {
  readonly metadata: GroupMetadata;
  readonly at: number;
}

/**
 * One session's group metadata, for Baileys' `cachedGroupMetadata`: without it
 * Baileys asks WhatsApp (`w:g2`) before every group send. Participant and
 * group notifications drop an entry; a miss is fetched once however many
 * sends wait for it; a failed fetch is never cached.
 */
export class GroupMetadataCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<GroupMetadata>>();
  private fetcher: ((jid: string) => Promise<GroupMetadata>) | undefined;
  /** Called for each fetch from WhatsApp (a miss). */
  onFetch: () => void = () => undefined;
  /** Bumped by every invalidation, so a fetch that started before one is not stored. */
  private generation = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = GROUP_METADATA_CACHE_LIMIT,
    private readonly ttlMs = GROUP_METADATA_TTL_MS,
  ) {}

  bind(fetcher: (jid: string) => Promise<GroupMetadata>): void {
    this.fetcher = fetcher;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(jid: string): Promise<GroupMetadata | undefined> {
    const entry = this.entries.get(jid);
    if (entry && this.now() - entry.at < this.ttlMs) {
      this.entries.delete(jid);
      this.entries.set(jid, entry);
      return entry.metadata;
    }
    this.entries.delete(jid);
    const fetcher = this.fetcher;
    if (!fetcher) return undefined;
    let pending = this.inFlight.get(jid);
    if (!pending) {
      const generation = this.generation;
      this.onFetch();
      pending = fetcher(jid).then(
        (metadata) => {
          this.inFlight.delete(jid);
          if (generation === this.generation) this.set(metadata);
          return metadata;
        },
        (err: unknown) => {
          this.inFlight.delete(jid);
          throw err;
        },
      );
      this.inFlight.set(jid, pending);
    }
    return pending;
  }

  set(metadata: GroupMetadata): void {
    this.entries.delete(metadata.id);
    this.entries.set(metadata.id, { metadata, at: this.now() });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  invalidate(jid: string): void {
    this.generation += 1;
    this.entries.delete(jid);
    this.inFlight.delete(jid);
  }
}
