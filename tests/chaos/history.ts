/** What a chaos run leaves behind for the checker: plain data, read once the faults stopped and the fleet settled. */
export interface History {
  readonly seed: number;
  /** When the checker read the history (ms since the epoch). */
  readonly endedAt: number;
  readonly sessions: readonly SessionOutcome[];
  /** Contact → session texts (fake WhatsApp `sendText`), by WhatsApp message id. */
  readonly contactSends: readonly Sent[];
  /** Session → contact sends written to the session's send queue (what the API's 202 path writes). */
  readonly apiSends: readonly Sent[];
  /** What the contacts decrypted (their inboxes, own-device copies left out). */
  readonly delivered: readonly Delivered[];
  /** Every UpdateItem the hosts made on session records, with DynamoDB's answer. */
  readonly writes: readonly SessionWrite[];
  readonly webhooks?: WebhookHistory;
  /** What each session's resuming WebSocket subscriber saw: log seqs, first arrival first. */
  readonly subscribers?: readonly { sessionId: string; seen: readonly number[] }[];
}

export interface SessionOutcome {
  readonly sessionId: string;
  readonly status: string;
  readonly ownerHostId: string;
  /** Whether the owner is a host process still running at the end. */
  readonly ownerAlive: boolean;
  /** The session's event log, in seq order. */
  readonly events: readonly LoggedEvent[];
}

export interface LoggedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  /** WhatsApp message id, for `session:message`. */
  readonly messageId?: string | undefined;
  readonly at: number;
}

export interface Sent {
  readonly sessionId: string;
  readonly id: string;
  readonly at: number;
  /** Sent in the final round, after the fleet settled: missing means a key was lost. */
  readonly final: boolean;
}

export interface Delivered {
  readonly sessionId: string;
  readonly id: string;
}

/** One UpdateItem a host made on a session record, as its DynamoDB proxy saw it. */
export interface SessionWrite {
  readonly hostId: string;
  readonly sessionId: string;
  readonly kind: 'claim' | 'takeover' | 'release' | 'write';
  /** The owner an ownership change leaves, or the owner a fenced write names (absent when it names none). */
  readonly owner?: string | undefined;
  /** The epoch an ownership change leaves, or the epoch a fenced write names. */
  readonly epoch?: number | undefined;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly accepted: boolean;
}

export interface WebhookHistory {
  /** Events the endpoint subscribes to, in seq order per session. */
  readonly expected: readonly { sessionId: string; eventId: string; seq: number }[];
  /** Deliveries in the order they arrived. */
  readonly received: readonly { sessionId: string; eventId: string; at: number }[];
}

export type Rule =
  | 'lost'
  | 'duplicated'
  | 'seq-gap'
  | 'send-lost'
  | 'send-duplicated'
  | 'double-owner'
  | 'unrecovered'
  | 'key-loss'
  | 'webhook-missing'
  | 'webhook-order'
  | 'ws-missing';

export interface Violation {
  readonly rule: Rule;
  readonly seed: number;
  readonly sessionId: string;
  /** The moment it happened (ms since the epoch). */
  readonly at: number;
  readonly detail: string;
}
