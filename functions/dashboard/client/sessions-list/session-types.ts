/** The API's session view, as the list needs it. */
export interface SessionView {
  readonly id: string;
  readonly tenantId: string;
  readonly name?: string;
  readonly phoneNumber?: string;
  readonly status: string;
  readonly statusReason?: { readonly code: string; readonly message: string; readonly action: string };
  readonly desired: 'RUNNING' | 'STOPPED';
  readonly me?: { readonly jid: string; readonly phoneNumber: string; readonly name?: string };
  readonly qrAvailable: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SessionPage {
  readonly sessions: readonly SessionView[];
  readonly nextCursor?: string;
}

export const SESSION_STATUSES = [
  'STOPPED',
  'STARTING',
  'QR',
  'CONNECTED',
  'DISCONNECTED',
  'LOGGED_OUT',
  'FAILED',
] as const;

export type SessionAction = 'start' | 'stop' | 'restart' | 'logout' | 'delete';

/** Actions that cannot be undone ask first. */
export const DESTRUCTIVE: ReadonlySet<SessionAction> = new Set(['logout', 'delete']);
