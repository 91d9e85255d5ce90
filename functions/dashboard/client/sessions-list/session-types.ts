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

// The one list the API's status model uses (a pure module with no imports, so it bundles as is).
export { SESSION_STATUSES } from '../../../commons/domain/session-status.ts';

export type SessionAction = 'start' | 'stop' | 'restart' | 'logout' | 'delete';

/** Actions that cannot be undone ask first. */
export const DESTRUCTIVE: ReadonlySet<SessionAction> = new Set(['logout', 'delete']);
