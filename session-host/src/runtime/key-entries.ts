import type { SignalDataSet } from '@whiskeysockets/baileys';
import { SessionNotConnectedError } from './not-connected-error.ts';

/** A key set's entries, each as `type\0id` and its value. */
export function* entries(data: SignalDataSet): Generator<[string, unknown]> {
  for (const [type, values] of Object.entries(data)) {
    for (const [id, value] of Object.entries(values ?? {})) yield [`${type}\0${id}`, value];
  }
}

/** Sets one `type\0id` entry in `into`. */
export function put(into: SignalDataSet, key: string, value: unknown): void {
  const [type, id] = key.split('\0') as [keyof SignalDataSet, string];
  const values = (into[type] ?? {}) as Record<string, unknown>;
  values[id] = value;
  (into as Record<string, unknown>)[type] = values;
}

/** `into` with `data`'s entries over it (a copy). */
export function merged(into: SignalDataSet | undefined, data: SignalDataSet): SignalDataSet {
  const out: SignalDataSet = { ...into };
  for (const [key, value] of entries(data)) put(out, key, value);
  return out;
}

/** A transaction key that names a JID (a contact, a group, our own): Baileys keys its Signal work so. */
export function isJidKey(key: string): boolean {
  return key.includes('@');
}

/** A transaction key as logs may show it: its kind, not the contact's number. */
export function transactionKind(key: string): string {
  const at = key.indexOf('@');
  return at < 0 ? key : `jid${key.slice(at)}`;
}

/** What a socket's key transactions wait on right now (logged when a send stalls). */
export interface KeyWaits {
  /** The transaction holding the Signal sessions: its kind, how long it has held them, and whether its work is done. */
  readonly sessionsHeldBy?: { readonly kind: string; readonly heldMs: number; readonly committing: boolean };
  /** Transactions waiting for the Signal sessions. */
  readonly waitingForSessions: number;
  /** Early commits not yet settled. */
  readonly earlyWritesPending: number;
}

/**
 * A key transaction or commit refused because its socket closed first: nothing was committed and no frame left,
 * so it is a session not connected (409, the row stays queued), never the message's fault.
 */
export class SocketClosedError extends SessionNotConnectedError {
  override readonly name: string = 'SocketClosedError';
}
