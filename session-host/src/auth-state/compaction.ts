import type { SignalDataSet } from '@whiskeysockets/baileys';
import { type AuthData, applyKeys, type ColdBatch } from './auth-data.ts';
import { IdRanges, numericId } from './id-ranges.ts';

/** A compaction's outcome: the state the new snapshot holds, what to write beside it, what it frees. */
export interface Compacted {
  readonly data: AuthData;
  /** Pre-keys that arrived since the last snapshot, to be written once to their own object. */
  readonly coldPut?: { readonly object: string; readonly keys: Record<string, unknown> };
  /** Cold objects none of whose pre-keys remain. */
  readonly dropped: readonly string[];
}

/**
 * The state after `keys`, without touching the live copy (it changes only
 * once the commit is durable). Pre-keys held in memory move to a new cold
 * object: a batch is written once and never again by later snapshots.
 */
export function compact(data: AuthData, keys: SignalDataSet | undefined, coldObject: string): Compacted {
  const copy: AuthData = {
    creds: data.creds,
    keys: Object.fromEntries(Object.entries(data.keys).map(([type, bucket]) => [type, { ...bucket }])),
    cold: data.cold.map((batch) => ({ object: batch.object, ids: batch.ids.clone() })),
  };
  if (keys) applyKeys(copy, keys);
  const hot = copy.keys['pre-key'] ?? {};
  const moving = Object.keys(hot).filter((id) => numericId(id) !== undefined);
  let coldPut: Compacted['coldPut'];
  if (moving.length > 0) {
    coldPut = { object: coldObject, keys: Object.fromEntries(moving.map((id) => [id, hot[id]])) };
    for (const id of moving) delete hot[id];
    if (Object.keys(hot).length === 0) delete copy.keys['pre-key'];
    copy.cold.push({ object: coldObject, ids: IdRanges.of(moving.map((id) => numericId(id) as number)) });
  }
  const dropped = copy.cold.filter((batch) => batch.ids.size === 0).map((batch) => batch.object);
  copy.cold = copy.cold.filter((batch) => batch.ids.size > 0);
  return { data: copy, ...(coldPut && { coldPut }), dropped };
}

export function snapshotBody(data: AuthData): unknown {
  return {
    v: 2,
    creds: data.creds,
    keys: data.keys,
    cold: data.cold.map((batch: ColdBatch) => ({ object: batch.object, ids: batch.ids.toJSON() })),
  };
}

/** Whether a commit sets pre-keys (Baileys uploading a batch): compacting at once sends them cold. */
export function addsPreKeys(keys: SignalDataSet | undefined): boolean {
  return Object.values(keys?.['pre-key'] ?? {}).some((value) => value !== null && value !== undefined);
}
