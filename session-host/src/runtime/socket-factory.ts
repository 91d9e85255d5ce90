import type { Agent } from 'node:https';
import {
  type AuthenticationState,
  makeWASocket,
  type proto,
  type SignalKeyStoreWithTransaction,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { SocketGroups } from '../groups/socket-groups.ts';
import type { MessageIds } from '../messaging/message-ids.ts';
import type { CommitBeforeWire } from './commit-before-wire.ts';
import { decryptOnce } from './decrypt-once.ts';
import { watchResendFailures } from './resend-failures.ts';

export interface SocketSettings {
  readonly waWebSocketUrl?: string | undefined;
  readonly version?: WAVersion | undefined;
  readonly keepAliveIntervalMs?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /** How long each QR lives; Baileys' default is 60 s for the first and 20 s for each refresh. */
  readonly qrTimeoutMs?: number | undefined;
  /** Trust for WhatsApp's media hosts on uploads (see media-runtime.ts). */
  readonly fetchAgent?: Agent | undefined;
  /** Baileys' own logger (separate level: it is chatty). */
  readonly baileysLogger: Logger;
  /** A contact asked for a sent message no longer held (the `zapfleet_resend_misses_total` metric). */
  readonly onResendMiss?: (() => void) | undefined;
  /** The content a sent message's SENT row keeps, for one this socket's session does not hold (StoredSentContents). */
  readonly findSent?: ((messageId: string) => Promise<proto.IMessage | undefined>) | undefined;
  /** A message delivered again after its keys were spent, answered from what it decrypted to (decrypt-once.ts). */
  readonly onDecryptReplay?: (() => void) | undefined;
  /** A resend a contact asked for failed: the socket ends so the request comes again (resend-failures.ts). */
  readonly onResendFailed?: (() => void) | undefined;
}

/**
 * A Baileys socket configured the way every session on a host runs. Baileys'
 * lines name the session (`sessionId`): a failed key transaction is otherwise
 * anonymous among a host's hundreds of sessions.
 */
export function createSocket(
  settings: SocketSettings,
  auth: AuthenticationState,
  sent: Pick<MessageIds, 'contents'>,
  sessionId: string,
  commits?: CommitBeforeWire,
): WASocket {
  const groups = new SocketGroups();
  const sock = makeWASocket({
    // Frames sent inside a key transaction wait for its keys (see CommitBeforeWire).
    auth: commits ? { creds: auth.creds, keys: commits.wrap(auth.keys) } : auth,
    // A message delivered again decrypts to what it did the first time (see decryptOnce).
    makeSignalRepository: decryptOnce(() => settings.onDecryptReplay?.()),
    // Without it Baileys asks WhatsApp for the group's metadata before every group send.
    cachedGroupMetadata: groups.metadataForSend,
    // Uploads go through node:https with this agent (the media hosts' trust); see media-runtime.ts.
    ...(settings.fetchAgent && { fetchAgent: settings.fetchAgent }),
    logger: watchResendFailures(settings.baileysLogger.child({ sessionId }), () => {
      settings.onResendFailed?.();
      // At once, not via Baileys' close: the receipt's ack is the next frame Baileys writes.
      (sock.ws as unknown as { socket?: { terminate?: () => void } | null }).socket?.terminate?.();
    }),
    ...(settings.waWebSocketUrl && { waWebSocketUrl: settings.waWebSocketUrl }),
    ...(settings.version && { version: settings.version }),
    ...(settings.keepAliveIntervalMs && { keepAliveIntervalMs: settings.keepAliveIntervalMs }),
    ...(settings.connectTimeoutMs && { connectTimeoutMs: settings.connectTimeoutMs }),
    ...(settings.qrTimeoutMs && { qrTimeout: settings.qrTimeoutMs }),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    // Baileys' default (10 × 3 s) stalls a chat ~27 s on a storage outage; fail faster and let the sender retry.
    transactionOpts: { maxCommitRetries: 3, delayBetweenTriesMs: 300 },
    generateHighQualityLinkPreview: false,
    // A contact that could not decrypt a message asks for it again; the socket may be a newer one.
    // Held here when this host sent it, else read back from the outbox (sent by the host before a takeover).
    getMessage: async (key) => {
      const found = sent.contents.find(key.id) ?? (key.id ? await settings.findSent?.(key.id) : undefined);
      if (!found) settings.onResendMiss?.();
      return found;
    },
  });
  commits?.attach(sock.authState.keys as SignalKeyStoreWithTransaction);
  return groups.bind(sock);
}
