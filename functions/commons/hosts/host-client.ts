import type { OutgoingMedia } from '../domain/media.ts';

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
}

/** Exactly one of `text` and `media`. */
export interface HostMessage {
  readonly to: string;
  readonly text?: string | undefined;
  readonly media?: OutgoingMedia | undefined;
  readonly messageId: string;
}

export interface HostSendResult {
  readonly messageId: string;
  readonly status: string;
}
