/** The Baileys auth state of a session, as far as the control plane touches it. */
export interface SessionAuthState {
  /** Deletes everything stored under the session's auth prefix. Idempotent. */
  wipe(tenantId: string, sessionId: string): Promise<void>;
}
