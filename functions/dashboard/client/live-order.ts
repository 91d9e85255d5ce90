/**
 * The README's ordering rules for a subscription, as pure functions: what
 * arrives before the `subscribed` ack is sorted by `seq`; each listener gets
 * an event once, only past the last `seq` it was handed; snapshots (the
 * current state, carrying the log's last `seq`) always pass.
 */
export interface Sequenced {
  readonly seq: number;
  readonly snapshot?: boolean;
}

/** Events received before the ack, in `seq` order (stable: snapshots stay after their replay). */
export function orderEarly<E extends Sequenced>(early: readonly E[]): E[] {
  return [...early].sort((a, b) => a.seq - b.seq);
}

/** Whether `event` goes to a listener at `cursor`, and the listener's cursor afterwards. */
export function admit(
  cursor: number | undefined,
  event: Sequenced,
): { readonly deliver: boolean; readonly cursor: number | undefined } {
  if (event.snapshot) return { deliver: true, cursor };
  if (cursor !== undefined && event.seq <= cursor) return { deliver: false, cursor };
  return { deliver: true, cursor: event.seq };
}

/** Where a resubscribe resumes: the lowest cursor, or none while any listener wants everything from now. */
export function resumeAfter(cursors: Iterable<number | undefined>): number | undefined {
  let min: number | undefined;
  for (const cursor of cursors) {
    if (cursor === undefined) return undefined;
    min = min === undefined ? cursor : Math.min(min, cursor);
  }
  return min;
}
