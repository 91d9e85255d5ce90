import type { OutgoingMedia } from '../domain/media.ts';
import type { ChatPresence, ContactCheck, MessageAction, QuotedMessage } from '../domain/message-content.ts';
import type { HostGroupCommand, HostGroupResult } from './host-groups.ts';

/**
 * Commands the control plane sends to a session host's internal endpoint.
 * Failures are typed: HostUnreachableError (502), HostTimeoutError (504),
 * SessionNotConnectedError (409).
 */
export interface HostClient {
  sendMessage(endpoint: string, sessionId: string, message: HostMessage): Promise<HostSendResult>;
  requestPairingCode(endpoint: string, sessionId: string, phoneNumber: string): Promise<{ code: string }>;
  /** Asks the host to reconcile the session now. */
  nudge(endpoint: string, sessionId: string): Promise<void>;
  /**
   * Tells the host a session was fenced for deletion and resolves once the
   * host closed it and no auth-state write of it is still in flight there.
   * HostUnreachableError or HostTimeoutError otherwise (the caller retries).
   */
  quiesce(endpoint: string, sessionId: string): Promise<void>;
  /** Read receipts for messages of one chat (`participant`: who sent them, in a group). */
  markRead(endpoint: string, sessionId: string, read: HostReadReceipts): Promise<void>;
  /** Typing, recording or paused in one chat; available/unavailable for the account. */
  sendPresence(endpoint: string, sessionId: string, chat: string, presence: ChatPresence): Promise<void>;
  /** Which numbers are on WhatsApp, with their JIDs (one usync query). */
  checkContacts(endpoint: string, sessionId: string, numbers: readonly string[]): Promise<ContactCheck[]>;
  /** A group operation on the session's socket; WhatsApp's refusals are GROUP_NOT_FOUND/GROUP_FORBIDDEN/GROUP_REQUEST_REFUSED. */
  groupCommand<C extends HostGroupCommand>(
    endpoint: string,
    sessionId: string,
    command: C,
  ): Promise<HostGroupResult<C>>;
}

export interface HostReadReceipts {
  readonly chat: string;
  /** Absent: every unread message of the chat the host remembers. */
  readonly messageIds?: readonly string[] | undefined;
  readonly participant?: string | undefined;
}

/** Exactly one of `text`, `media` and `action`; `quoted` only with text or media. */
export interface HostMessage {
  readonly to: string;
  readonly text?: string | undefined;
  readonly media?: OutgoingMedia | undefined;
  readonly action?: MessageAction | undefined;
  readonly quoted?: QuotedMessage | undefined;
  readonly messageId: string;
}

export interface HostSendResult {
  readonly messageId: string;
  readonly status: string;
  /** The message as sent (encoded, base64), kept with the outbox row for a resend by a later owner. */
  readonly content?: string | undefined;
}
