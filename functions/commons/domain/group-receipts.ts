/** Group messages whose per-member receipts one session remembers; the oldest is forgotten first. */
export const MAX_TRACKED_GROUP_MESSAGES = 500;
/** Members remembered per message (a group has at most 1,024). */
export const MAX_TRACKED_RECEIPTS_PER_MESSAGE = 1_024;

const RANK: Readonly<Record<string, number>> = { DELIVERED: 1, READ: 2, PLAYED: 3 };

/** A receipt never moves a member back (a late delivery receipt after a read one keeps READ). */
export function laterStatus(current: string | undefined, next: string): string {
  if (!current) return next;
  return (RANK[next] ?? 0) > (RANK[current] ?? 0) ? next : current;
}

/**
 * Each group message's status per member, bounded: the event of each receipt
 * carries every member heard so far, so a consumer needs only the latest event.
 */
export class GroupReceiptTracker {
  private readonly messages = new Map<string, Map<string, string>>();

  constructor(
    private readonly maxMessages = MAX_TRACKED_GROUP_MESSAGES,
    private readonly maxPerMessage = MAX_TRACKED_RECEIPTS_PER_MESSAGE,
  ) {}

  /** Records `participant`'s status for the message; returns the member's status and everyone's so far. */
  record(
    group: string,
    messageId: string,
    participant: string,
    status: string,
  ): { status: string; participants: Record<string, string> } {
    const key = `${group}\u0000${messageId}`;
    const members = this.messages.get(key) ?? new Map<string, string>();
    this.messages.delete(key);
    this.messages.set(key, members);
    const merged = laterStatus(members.get(participant), status);
    if (members.has(participant) || members.size < this.maxPerMessage) members.set(participant, merged);
    while (this.messages.size > this.maxMessages) {
      const oldest = this.messages.keys().next().value;
      if (oldest === undefined) break;
      this.messages.delete(oldest);
    }
    return { status: merged, participants: Object.fromEntries(members) };
  }

  get size(): number {
    return this.messages.size;
  }
}
