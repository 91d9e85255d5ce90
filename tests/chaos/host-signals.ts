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
  const counts = { sendStalls: 0, keyWorkAfterEnd: 0, leaseLost: 0, fencedAll: 0 };
  const byMessage = new Map<string, keyof typeof HOST_SIGNALS>(
    Object.entries(HOST_SIGNALS).map(([name, msg]) => [msg, name as keyof typeof HOST_SIGNALS]),
  );
  for (const lines of Object.values(logs)) {
    for (const line of lines) {
      const name = typeof line.msg === 'string' ? byMessage.get(line.msg) : undefined;
      if (name) counts[name] += 1;
    }
  }
  return counts;
}
