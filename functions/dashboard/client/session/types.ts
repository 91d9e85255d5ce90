/**
 * The API's shapes as the session page reads them. Declared here rather than
 * imported from the API's zod schemas: the browser bundle must not carry zod.
 */
export type SessionStatus =
  | 'STOPPED'
  | 'STARTING'
  | 'QR'
  | 'CONNECTED'
  | 'DISCONNECTED'
  | 'LOGGED_OUT'
  | 'FAILED';

export interface StatusReason {
  code: string;
  message: string;
  action: string;
}

export interface Me {
  jid: string;
  phoneNumber: string;
  name?: string;
}

export interface Session {
  id: string;
  tenantId: string;
  name?: string;
  phoneNumber?: string;
  status: SessionStatus;
  statusReason?: StatusReason;
  desired: 'RUNNING' | 'STOPPED';
  me?: Me;
  qrAvailable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionEvent {
  v: number;
  type: string;
  sessionId: string;
  seq: number;
  eventId: string;
  at: string;
  data: Record<string, unknown>;
  snapshot?: boolean;
  truncated?: boolean;
  href?: string;
}

export interface EventPage {
  events: SessionEvent[];
  lastSeq: number;
  next?: number;
}

export interface Qr {
  qr: string;
  seq: number;
  expiresAt: string;
}
