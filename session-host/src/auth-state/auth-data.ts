import {
  type AuthenticationCreds,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';

/** Everything Baileys needs to resume a linked device: creds and every Signal key, by type and id. */
export interface AuthData {
  creds: AuthenticationCreds;
  keys: Record<string, Record<string, unknown>>;
}

/** One commit: the creds as they are now, and the keys it sets (null deletes). */
export interface AuthDelta {
  readonly creds: AuthenticationCreds;
  readonly keys?: SignalDataSet;
}

export class AuthStateCorruptedError extends Error {
  override readonly name = 'AuthStateCorruptedError';
}

export function freshAuthData(): AuthData {
  return { creds: initAuthCreds(), keys: {} };
}

export function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8');
}

function decode(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'), BufferJSON.reviver);
  } catch (cause) {
    throw new AuthStateCorruptedError(`${what} is not valid JSON`, { cause });
  }
}

function isCreds(value: unknown): value is AuthenticationCreds {
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

export function decodeSnapshot(bytes: Uint8Array, what: string): AuthData {
  const value = decode(bytes, what) as Partial<AuthData>;
  if (!isCreds(value?.creds)) throw new AuthStateCorruptedError(`${what} has no usable creds`);
  if (typeof value.keys !== 'object' || value.keys === null)
    throw new AuthStateCorruptedError(`${what} has no keys`);
  return { creds: value.creds, keys: value.keys };
}

export function decodeDelta(bytes: Uint8Array, what: string): AuthDelta {
  const value = decode(bytes, what) as Partial<AuthDelta>;
  if (!isCreds(value?.creds)) throw new AuthStateCorruptedError(`${what} has no usable creds`);
  if (value.keys !== undefined && (typeof value.keys !== 'object' || value.keys === null)) {
    throw new AuthStateCorruptedError(`${what} has malformed keys`);
  }
  return { creds: value.creds, ...(value.keys && { keys: value.keys }) };
}

export function applyKeys(data: AuthData, keys: SignalDataSet): void {
  for (const [type, entries] of Object.entries(keys)) {
    const bucket = data.keys[type] ?? {};
    data.keys[type] = bucket;
    for (const [id, value] of Object.entries(entries ?? {})) {
      if (value === null || value === undefined) delete bucket[id];
      else bucket[id] = value;
    }
  }
}

export function applyDelta(data: AuthData, delta: AuthDelta): void {
  data.creds = delta.creds;
  if (delta.keys) applyKeys(data, delta.keys);
}

/** Reads keys the way Baileys expects them (app-state keys as protobuf objects). */
export function readKeys<T extends keyof SignalDataTypeMap>(
  data: AuthData,
  type: T,
  ids: readonly string[],
): { [id: string]: SignalDataTypeMap[T] } {
  const bucket = data.keys[type] ?? {};
  const out: { [id: string]: SignalDataTypeMap[T] } = {};
  for (const id of ids) {
    let value = bucket[id];
    if (value === undefined) continue;
    if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
    out[id] = value as SignalDataTypeMap[T];
  }
  return out;
}
