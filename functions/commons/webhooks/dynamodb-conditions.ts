/** A conditional write (or one item of a transaction) found its condition false. */
export const isConditionFailure = (err: unknown): boolean =>
  (err as Error)?.name === 'ConditionalCheckFailedException';

/** A transaction cancelled because one of its conditions was false (not a conflict or a throttle). */
export const isTransactionConditionFailure = (err: unknown): boolean =>
  (err as Error)?.name === 'TransactionCanceledException' &&
  ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some(
    (r) => r?.Code === 'ConditionalCheckFailed',
  );
