import type { EventEmitter } from 'node:events';
import type { CertAuthority, KeyPair } from './cert-authority.ts';
import type { FakeConnection } from './connection.ts';
import type { PairingRegistry } from './pairing.ts';
import type { ReceivedMessage, World } from './world.ts';

export interface FakeOptions {
  /** Refs per `pair-device` (each becomes one QR in Baileys). Default 6. */
  qrRefs: number;
  /** How long the server accepts a scan of a ref after issuing it. Default 180 s. */
  qrRefTtlMs: number;
  /** The phone sends an (empty) initial history sync after a companion's first login. Default true. */
  historySyncOnFirstLogin: boolean;
  /** How long to wait for the client to close after a fatal stream error before terminating it. */
  closeGraceMs: number;
}

/** A receipt a Baileys client sent for a message it received. */
export interface ClientReceipt {
  id: string;
  from: string;
  to: string;
  type: string | undefined;
}

export interface FakeEvents {
  'message-received': [user: string, message: ReceivedMessage];
  'client-receipt': [receipt: ClientReceipt];
  'message-acked': [id: string];
  'decrypt-error': [error: Error];
  'connection-open': [connection: FakeConnection];
  'connection-closed': [connection: FakeConnection];
  'device-linked': [jid: string];
  login: [jid: string];
}

/** Everything a connection and its stanza handlers share. */
export interface FakeContext {
  readonly options: FakeOptions;
  readonly world: World;
  readonly authority: CertAuthority;
  readonly staticKey: KeyPair;
  readonly pairing: PairingRegistry;
  readonly events: EventEmitter<FakeEvents>;
  readonly connections: Set<FakeConnection>;
  readonly receipts: ClientReceipt[];
  /** Logins for these companion JIDs get `<failure reason=…/>` instead of `<success/>`. */
  readonly loginFailures: Map<string, number>;
}
