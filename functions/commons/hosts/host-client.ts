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
}

export interface HostMessage {
  readonly to: string;
  readonly text: string;
  readonly messageId: string;
}

export interface HostSendResult {
  readonly messageId: string;
  readonly status: string;
}
