/**
 * Host log lines a chaos run counts, clean or not: each names a path that
 * costs time or risks keys (a stalled send, key work that escaped its
 * transaction, a lost lease), so a clean run still shows how often it was
 * taken. Counted by message, over every host of the run.
 */
export const HOST_SIGNALS = {
  sendStalls: 'send stalled',
  keyWorkAfterEnd: 'key work started after its transaction ended; given its own',
  leaseLost: 'lease lost: sessions suspended',
  fencedAll: 'lease not regained: fencing every session',
} as const;

export function countHostSignals(
  logs: Record<string, readonly Record<string, unknown>[]>,
): Record<keyof typeof HOST_SIGNALS, number> {
  const names = Object.keys(HOST_SIGNALS) as (keyof typeof HOST_SIGNALS)[];
  const counts = Object.fromEntries(names.map((name) => [name, 0])) as Record<
    keyof typeof HOST_SIGNALS,
    number
  >;
  const byMessage = new Map(names.map((name) => [HOST_SIGNALS[name] as string, name]));
  for (const lines of Object.values(logs)) {
    for (const line of lines) {
      const name = typeof line.msg === 'string' ? byMessage.get(line.msg) : undefined;
      if (name) counts[name] += 1;
    }
  }
  return counts;
}
