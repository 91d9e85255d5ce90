import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuthPointer } from '#commons/domain/fence.ts';
import { unpack } from './auth-codec.ts';
import { type AuthData, applyEntry, decodeEntry, decodeSnapshot, isCreds } from './auth-data.ts';
import { AuthStateCorruptedError } from './auth-errors.ts';

export interface AuthObjects {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
}

/** One auth object, unpacked; a missing one is corruption (the pointer names it), never "empty". */
export async function getAuthObject(options: AuthObjects, key: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    const out = await options.s3.send(
      new GetObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}${key}` }),
    );
    bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  } catch (cause) {
    if ((cause as { name?: string }).name === 'NoSuchKey') {
      throw new AuthStateCorruptedError(`auth object ${key} is missing`, { cause });
    }
    throw cause;
  }
  return unpack(bytes, key);
}

/** The state the pointer names: its snapshot (if any), then every journal entry in order. */
export async function restore(options: AuthObjects, pointer: AuthPointer): Promise<AuthData> {
  const [snapshot, ...journal] = await Promise.all([
    pointer.snapshot ? getAuthObject(options, pointer.snapshot) : Promise.resolve(undefined),
    ...pointer.journal.map((key) => getAuthObject(options, key)),
  ]);
  if (!pointer.snapshot && journal.length === 0)
    throw new AuthStateCorruptedError('auth pointer references no state');
  const state: AuthData = pointer.snapshot
    ? decodeSnapshot(snapshot, pointer.snapshot)
    : { creds: {} as AuthData['creds'], keys: {}, cold: [] };
  for (const [i, value] of journal.entries())
    applyEntry(state, decodeEntry(value, pointer.journal[i] as string));
  if (!isCreds(state.creds)) throw new AuthStateCorruptedError('auth state has no usable creds');
  return state;
}
