import type { AuthenticationState } from '@whiskeysockets/baileys';
import type { Fence } from '#commons/domain/fence.ts';

/**
 * The auth state store, a host port. It lives here rather than in
 * functions/commons/domain because its shape is Baileys' AuthenticationState
 * (the domain imports no Baileys). The S3 adapter is S3AuthStateStore.
 */
export interface AuthStateStore {
  /** Restores a session's newest committed state, or starts (and persists) a fresh one. */
  open(options: OpenAuthState): Promise<SessionAuth>;
  /** Deletes a session's state without reading it (a logout of a session not running here). */
  wipe(prefix: string): Promise<void>;
}

export interface OpenAuthState {
  /** `auth/{tenant}/{session}/` */
  readonly prefix: string;
  readonly sessionId: string;
  readonly fence: Fence;
  /** Called before a fenced commit fails: the host closes the socket first. */
  readonly onFenced: () => void;
  /** Called on every failed commit, before the error reaches Baileys. */
  readonly onCommitError?: (err: unknown) => void;
  /** Each commit waits on it first: while the host's lease is lost, nothing is written. */
  readonly whenActing?: () => Promise<void>;
}

export interface AuthStats {
  puts: number;
  gets: number;
  pointerWrites: number;
  bytesWritten: number;
}

/** One session's auth state while it runs on this host. */
export interface SessionAuth {
  readonly state: AuthenticationState;
  /** A phone completed the link. */
  readonly linked: boolean;
  readonly stats: Readonly<AuthStats>;
  /** When a read or write of this state last failed on storage (ms since the epoch; 0: never). */
  readonly lastStorageFailureAt: number;
  saveCreds(): Promise<void>;
  /** Resolves when every commit queued so far is durable (or failed). */
  flush(): Promise<void>;
  /** Deletes every object of the session and its pointer. */
  wipe(): Promise<void>;
  /** Fails every later commit. */
  fence(): void;
  /** Forgets a pairing code asked for but never typed; true when there was one. */
  forgetUnfinishedPairing(): boolean;
}
