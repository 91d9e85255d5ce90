import {
  type AuthenticationCreds,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import { AuthStateCorruptedError } from './auth-errors.ts';
import { applyCredsDelta, type CredsDelta } from './creds-delta.ts';
import { IdRanges, numericId } from './id-ranges.ts';

export { AuthStateCorruptedError } from './auth-errors.ts';

/** Pre-keys written once to their own object; which of them still exist is tracked here. */
export interface ColdBatch {
  readonly object: string;
  readonly ids: IdRanges;
}

/**
 * Everything Baileys needs to resume a linked device: creds, the keys held in
 * memory by type and id, and the pre-keys left in S3 until one is asked for.
 */
export interface AuthData {
  creds: AuthenticationCreds;
  keys: Record<string, Record<string, unknown>>;
  cold: ColdBatch[];
}

/** One journal entry: the creds fields that changed (or, in the earlier format, all creds) and the keys set (null deletes). */
export interface AuthEntry {
  readonly creds: CredsDelta | { readonly full: AuthenticationCreds };
  readonly keys?: SignalDataSet;
}

export function freshAuthData(): AuthData {
  return { creds: initAuthCreds(), keys: {}, cold: [] };
}

export function isCreds(value: unknown): value is AuthenticationCreds {
  const c = value as Partial<AuthenticationCreds> | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.registrationId === 'number' &&
    typeof c.noiseKey?.private === 'object' &&
    typeof c.signedIdentityKey?.private === 'object' &&
    typeof c.advSecretKey === 'string'
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A snapshot: `{v: 2, creds, keys, cold}`, or the earlier `{creds, keys}`. */
export function decodeSnapshot(value: unknown, what: string): AuthData {
  if (!isRecord(value) || !isCreds(value.creds))
    throw new AuthStateCorruptedError(`${what} has no usable creds`);
  if (!isRecord(value.keys)) throw new AuthStateCorruptedError(`${what} has no keys`);
  const cold: ColdBatch[] = [];
  for (const batch of value.v === 2 && Array.isArray(value.cold) ? value.cold : []) {
    const ids = IdRanges.parse((batch as { ids?: unknown })?.ids);
    const object = (batch as { object?: unknown })?.object;
    if (!ids || typeof object !== 'string')
      throw new AuthStateCorruptedError(`${what} has a malformed cold batch`);
    cold.push({ object, ids });
  }
  return { creds: value.creds, keys: value.keys as AuthData['keys'], cold };
}

/** A journal entry: `{v: 2, creds?: {set?, unset?}, keys?}`, or the earlier `{creds, keys?}`. */
export function decodeEntry(value: unknown, what: string): AuthEntry {
  if (!isRecord(value)) throw new AuthStateCorruptedError(`${what} is not an object`);
  if (value.keys !== undefined && !isRecord(value.keys))
    throw new AuthStateCorruptedError(`${what} has malformed keys`);
  const keys = value.keys as SignalDataSet | undefined;
  if (value.v !== 2) {
    if (!isCreds(value.creds)) throw new AuthStateCorruptedError(`${what} has no usable creds`);
    return { creds: { full: value.creds }, ...(keys && { keys }) };
  }
  const delta = (value.creds ?? {}) as CredsDelta;
  const unsetOk =
    delta.unset === undefined ||
    (Array.isArray(delta.unset) && delta.unset.every((f) => typeof f === 'string'));
  if (!isRecord(delta) || (delta.set !== undefined && !isRecord(delta.set)) || !unsetOk) {
    throw new AuthStateCorruptedError(`${what} has a malformed creds change`);
  }
  return { creds: delta, ...(keys && { keys }) };
}

export function applyEntry(data: AuthData, entry: AuthEntry): void {
  if ('full' in entry.creds) data.creds = entry.creds.full;
  else applyCredsDelta(data.creds as unknown as Record<string, unknown>, entry.creds);
  if (entry.keys) applyKeys(data, entry.keys);
}

export function applyKeys(data: AuthData, keys: SignalDataSet): void {
  for (const [type, entries] of Object.entries(keys)) {
    const bucket = data.keys[type] ?? {};
    data.keys[type] = bucket;
    for (const [id, value] of Object.entries(entries ?? {})) {
      if (type === 'pre-key') forgetCold(data, id);
      if (value === null || value === undefined) delete bucket[id];
      else bucket[id] = value;
    }
  }
}

function forgetCold(data: AuthData, id: string): void {
  const n = numericId(id);
  if (n === undefined) return;
  for (const batch of data.cold) batch.ids.delete(n);
}

/** Where a cold pre-key is, or undefined when it is not cold. */
export function coldBatchOf(data: AuthData, id: string): ColdBatch | undefined {
  const n = numericId(id);
  return n === undefined ? undefined : data.cold.find((batch) => batch.ids.has(n));
}

/** Reads keys the way Baileys expects them (app-state keys as protobuf objects); cold pre-keys through `loadCold`. */
export async function readKeys<T extends keyof SignalDataTypeMap>(
  data: AuthData,
  type: T,
  ids: readonly string[],
  loadCold: (batch: ColdBatch, ids: string[]) => Promise<Record<string, unknown>>,
): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
  const bucket = data.keys[type] ?? {};
  const out: { [id: string]: SignalDataTypeMap[T] } = {};
  const cold = new Map<ColdBatch, string[]>();
  for (const id of ids) {
    let value = bucket[id];
    if (value === undefined) {
      const batch = type === 'pre-key' ? coldBatchOf(data, id) : undefined;
      if (batch) cold.set(batch, [...(cold.get(batch) ?? []), id]);
      continue;
    }
    if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
    out[id] = value as SignalDataTypeMap[T];
  }
  for (const [batch, wanted] of cold) Object.assign(out, await loadCold(batch, wanted));
  return out;
}
