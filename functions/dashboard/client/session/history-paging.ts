/** Events per history page. */
export const HISTORY_PAGE_SIZE = 25;

/**
 * The replay API pages forward (`after` = a seq, oldest first). `seq` is
 * gap-free, so the page ending at the log's newest event starts after
 * `lastSeq - size`, and the page before one that starts at `first` starts
 * after `first - 1 - size`. Expired events leave the start of the log empty,
 * so a page can hold fewer events than the size.
 */
export function newestPageAfter(lastSeq: number, size = HISTORY_PAGE_SIZE): number {
  return Math.max(0, lastSeq - size);
}

export function olderPageAfter(after: number, size = HISTORY_PAGE_SIZE): number | undefined {
  return after <= 0 ? undefined : Math.max(0, after - size);
}

/** The page after the one read, or none when it reached the log's end. */
export function newerPageAfter(page: {
  lastShownSeq: number | undefined;
  lastSeq: number;
}): number | undefined {
  const { lastShownSeq, lastSeq } = page;
  return lastShownSeq === undefined || lastShownSeq >= lastSeq ? undefined : lastShownSeq;
}
