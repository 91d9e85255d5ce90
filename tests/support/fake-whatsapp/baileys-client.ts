import {
  type AuthenticationCreds,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  initAuthCreds,
  makeWASocket,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type UserFacingSocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import { EventLog } from './event-log.ts';
import { silenceLibsignalConsole } from './quiet-libsignal.ts';

export interface MemoryAuthState {
  state: AuthenticationState;
  /** Raw key store (`type:id` → value) — what a real store would persist. */
  keys: Map<string, unknown>;
}

/** Baileys auth state kept in memory: creds plus a keys map, like `useMultiFileAuthState` without files. */
export function createMemoryAuthState(creds: AuthenticationCreds = initAuthCreds()): MemoryAuthState {
  const keys = new Map<string, unknown>();
  return {
    keys,
    state: {
      creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const out: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            let value = keys.get(`${type}:${id}`);
            if (value === undefined) continue;
            if (type === 'app-state-sync-key')
              value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            out[id] = value as SignalDataTypeMap[T];
          }
          return out;
        },
        set: async (data: SignalDataSet) => {
          for (const [type, entries] of Object.entries(data)) {
            for (const [id, value] of Object.entries(entries ?? {})) {
              if (value === null || value === undefined) keys.delete(`${type}:${id}`);
              else keys.set(`${type}:${id}`, value);
            }
          }
        },
      },
    },
  };
}

export interface CloseInfo {
  statusCode: number | undefined;
  message: string | undefined;
}

export interface BaileysClient {
  readonly sock: WASocket;
  readonly auth: MemoryAuthState;
  readonly qrs: EventLog<string>;
  readonly updates: EventLog<Partial<ConnectionState>>;
  readonly upserts: EventLog<BaileysEventMap['messages.upsert']>;
  readonly messageUpdates: EventLog<BaileysEventMap['messages.update'][number]>;
  readonly histories: EventLog<BaileysEventMap['messaging-history.set']>;
  /** Resolves when the socket reports `connection: 'open'`. */
  waitForOpen(timeoutMs?: number): Promise<void>;
  /** Resolves with the status code Baileys reports in `lastDisconnect` when the socket closes. */
  waitForClose(timeoutMs?: number): Promise<CloseInfo>;
  /** Resolves with the first upserted message whose text satisfies `accept`. */
  waitForText(
    accept: (text: string) => boolean,
    timeoutMs?: number,
  ): Promise<{ type: string; message: proto.IWebMessageInfo }>;
  /** Ends the socket (idempotent) and releases the libsignal console filter. */
  end(): void;
}

export interface BaileysClientOptions {
  /** The fake's `url` (`ws://127.0.0.1:PORT/ws/chat`). */
  url: string;
  /** Reuse a previous client's auth to log in with saved creds; a fresh one registers (QR). */
  auth?: MemoryAuthState;
  /** Extra Baileys config (e.g. `qrTimeout`, `keepAliveIntervalMs`). */
  config?: Partial<UserFacingSocketConfig>;
}

const silentLogger = pino({ level: 'silent' });

function textOf(message: proto.IWebMessageInfo): string | undefined {
  const m = message.message;
  return m?.conversation ?? m?.extendedTextMessage?.text ?? undefined;
}

/** A real Baileys socket pointed at the fake, with every event of interest logged. */
export function connectBaileys(options: BaileysClientOptions): BaileysClient {
  const release = silenceLibsignalConsole();
  const auth = options.auth ?? createMemoryAuthState();
  const sock = makeWASocket({
    waWebSocketUrl: options.url,
    auth: auth.state,
    logger: silentLogger,
    markOnlineOnConnect: false,
    // Without this a first login buffers every event for 20 s waiting for history sync, and with
    // history sync rc14's event buffer can strand later events for 30 s (README "Pitfalls").
    shouldSyncHistoryMessage: () => false,
    ...options.config,
  });
  const qrs = new EventLog<string>();
  const updates = new EventLog<Partial<ConnectionState>>();
  const upserts = new EventLog<BaileysEventMap['messages.upsert']>();
  const messageUpdates = new EventLog<BaileysEventMap['messages.update'][number]>();
  const histories = new EventLog<BaileysEventMap['messaging-history.set']>();
  const closes = new EventLog<CloseInfo>();

  sock.ev.on('creds.update', (update) => Object.assign(auth.state.creds, update));
  sock.ev.on('connection.update', (update) => {
    updates.push(update);
    if (update.qr) qrs.push(update.qr);
    if (update.connection === 'close') {
      const error = update.lastDisconnect?.error as
        | { output?: { statusCode?: number }; message?: string }
        | undefined;
      closes.push({ statusCode: error?.output?.statusCode, message: error?.message });
    }
  });
  sock.ev.on('messages.upsert', (upsert) => upserts.push(upsert));
  sock.ev.on('messages.update', (list) => {
    for (const item of list) messageUpdates.push(item);
  });
  sock.ev.on('messaging-history.set', (history) => histories.push(history));

  let ended = false;
  return {
    sock,
    auth,
    qrs,
    updates,
    upserts,
    messageUpdates,
    histories,
    async waitForOpen(timeoutMs = 15_000) {
      await updates.waitFor((u) => u.connection === 'open' || u.connection === 'close', timeoutMs, 'open');
      if (!updates.items.some((u) => u.connection === 'open')) {
        const closed = await closes.waitFor(() => true, 1, 'close');
        throw new Error(`socket closed before open (status ${closed.statusCode}: ${closed.message})`);
      }
    },
    waitForClose: (timeoutMs = 15_000) => closes.waitFor(() => true, timeoutMs, 'close'),
    async waitForText(accept, timeoutMs = 10_000) {
      const upsert = await upserts.waitFor(
        (u) => u.messages.some((m) => accept(textOf(m) ?? '')),
        timeoutMs,
        'messages.upsert',
      );
      const message = upsert.messages.find((m) => accept(textOf(m) ?? ''))!;
      return { type: upsert.type, message };
    },
    end() {
      if (ended) return;
      ended = true;
      sock.end(undefined);
      for (const log of [qrs, updates, upserts, messageUpdates, histories, closes]) {
        (log as EventLog<unknown>).cancel('client ended');
      }
      release();
    },
  };
}
