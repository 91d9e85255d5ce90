import type { EventEmitter } from 'node:events';
import type { CertAuthority, KeyPair } from './cert-authority.ts';
import type { FakeConnection } from './connection.ts';
import type { MediaHost, MediaHostErrorCode } from './media-host.ts';
import type { PairingRegistry } from './pairing.ts';
import type { ReceivedMessage, World } from './world.ts';

export interface FakeOptions {
  /** Refs per `pair-device` (each becomes one QR in Baileys). Default 6. */
  qrRefs: number;
  /** How long the server accepts a scan of a ref after issuing it. Default 180 s. */
  qrRefTtlMs: number;
  /**
   * The phone sends an (empty) initial history sync after a companion's first login, as WhatsApp does.
   * Default false: see README "Pitfalls" (Baileys rc14 can then hold later events for 30 s).
   */
  historySyncOnFirstLogin: boolean;
  /** How long to wait for the client to close after a fatal stream error before terminating it. */
  closeGraceMs: number;
}

/** A receipt a Baileys client sent for a message it received. */
export interface ClientReceipt {
  id: string;
  /** Every message id the receipt covers: `id` and those of its `<list>`. */
  ids: string[];
  from: string;
  to: string;
  type: string | undefined;
}

export interface FakeEvents {
  'message-received': [user: string, message: ReceivedMessage];
  'client-receipt': [receipt: ClientReceipt];
  'message-acked': [id: string];
  /** A message id the user already got in that chat arrived again: dropped, as WhatsApp does. */
  'message-duplicate': [user: string, id: string];
  /** A copy the fake could not decrypt or deliver. */
  'decrypt-error': [error: Error];
  /** A frame that broke the protocol; the connection was dropped. */
  'protocol-error': [error: Error];
  /** A message the fake put on the wire to a client (`type` is the Signal envelope type). */
  'message-delivered': [jid: string, id: string, type: string, offline: boolean];
  /** A contact answered a client's retry receipt: the message encrypted again (`type` pkmsg when from its key bundle). */
  'message-retried': [jid: string, id: string, type: string, count: number];
  /** A contact could not decrypt a client's message and asked it for the message again (`<receipt type=retry>`). */
  'retry-requested': [jid: string, id: string, count: number, cause: Error];
  /**
   * A client acked a retry receipt; a listener that drops the connection here
   * loses the ack with it (the receipt then goes again on the next connection).
   */
  'retry-receipt-acked': [jid: string, id: string];
  /**
   * Work still pending after STALL_REPORT_MS: a delivery to a device (its chain is serial, so every later
   * one waits too) or a client's message not yet acked. Diagnostics: the same work may still finish.
   */
  stalled: [what: string];
  'connection-open': [connection: FakeConnection];
  'connection-closed': [connection: FakeConnection];
  'device-linked': [jid: string];
  login: [jid: string];
  /** A registering client asked to link with this phone number (pairing code). */
  'link-code-requested': [pn: string];
  /** An IQ from a client: `xmlns`, the first child's tag (e.g. `encrypt`/`count`) and whether it was answered. */
  iq: [jid: string | undefined, xmlns: string, child: string, answered: boolean];
  /** A client's upload the media host stored (`size` encrypted bytes). */
  'media-uploaded': [directPath: string, size: number];
  /** An upload the media host refused. */
  'media-rejected': [code: MediaHostErrorCode];
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
  /** The HTTPS host clients upload media to and download it from (`media_conn`). */
  readonly media: MediaHost;
  /** Held: a contact's retry receipt goes out only on the client's next connection (see holdRetryReceipts). */
  readonly retryReceipts: { held: boolean };
  /** Answers to IQs of `xmlns first-child-tag` go out this many ms late (see delayIqAnswers). */
  readonly iqDelays: Map<string, number>;
}
