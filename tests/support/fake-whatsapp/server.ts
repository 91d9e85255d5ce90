import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type BinaryNode, Curve, type proto } from '@whiskeysockets/baileys';
import { WebSocketServer } from 'ws';
import { type KeyPair, processCertAuthority } from './cert-authority.ts';
import {
  activeConnection,
  endStream,
  failNextLogin,
  removeDevice,
  replaceConnection,
  sendFailure,
} from './close-paths.ts';
import { FakeConnection } from './connection.ts';
import { type ClientPresence, onClientPresence, presencesOf } from './contact-actions.ts';
import { buildMediaMessage, type SendMediaOptions } from './contact-media.ts';
import {
  onClientMessage,
  onClientReceipt,
  resetSessions,
  type SendTextOptions,
  sendFromUser,
  sendReceiptToClients,
} from './contact-messaging.ts';
import { isDirectRetry, onDirectRetry } from './contact-retry.ts';
import { onRetryReceiptAck } from './contact-retry-request.ts';
import type { ClientReceipt, FakeContext, FakeEvents, FakeOptions } from './context.ts';
import { createFakeGroups, type FakeGroups, groupHooks } from './groups.ts';
import { type HistorySyncContent, sendHistorySync } from './history-sync.ts';
import { onClientIq } from './iq-handlers.ts';
import { lidJid, pnJid } from './jids.ts';
import { onClientPayload } from './login.ts';
import { type HostedMedia, startMediaHost } from './media-host.ts';
import { expireQrRefs, type LinkedDevice, PairingRegistry, scanQr } from './pairing.ts';
import { enterPairingCode } from './pairing-code.ts';
import { silenceLibsignalConsole } from './quiet-libsignal.ts';
import { waitForEvent } from './wait-for.ts';
import { companionJid, type FakeUser, type ReceivedMessage, World } from './world.ts';

export interface FakeWhatsAppOptions extends Partial<FakeOptions> {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1; the fake only ever listens on loopback in tests. */
  host?: string;
}

export interface UserInfo {
  pn: string;
  lid: string;
  name: string;
  jid: string;
  lidJid: string;
}

export interface DeviceInfo {
  jid: string;
  lidJid: string;
  pn: string;
  device: number;
  connected: boolean;
  removed: boolean;
  logins: number;
  queued: number;
  /** One-time pre-keys the client uploaded that nobody fetched yet. */
  preKeys: number;
}

export interface ConnectionInfo {
  id: number;
  jid: string | undefined;
  pairing: boolean;
}

/** The fake's HTTPS media host (always on): what `media_conn` points clients at. */
export interface FakeMedia {
  /** PEM path of the throwaway test CA (removed on close): give hosts ZAPFLEET_MEDIA_CA_FILE = this. */
  readonly caFile: string;
  /** The same CA as PEM text, for `new https.Agent({ ca: [caPem] })`. */
  readonly caPem: string;
  /** `127.0.0.1:PORT`. */
  readonly hostname: string;
  readonly port: number;
  /** The upload token `media_conn` hands out. */
  readonly auth: string;
  /** Tmp dir with the CA, hosted files and large decrypted plaintexts. */
  readonly dir: string;
  /** A hosted file by direct path or url (query ignored). */
  find(ref: string): HostedMedia | undefined;
  /** From now on the file answers `status` (default 410), as media expired on WhatsApp; false when unknown. */
  expire(ref: string, status?: 404 | 410): boolean;
}

export interface FakeWhatsApp {
  /** Pass as Baileys' `waWebSocketUrl`. */
  readonly url: string;
  readonly port: number;
  /** The CA key pinned into this process's Baileys; other processes install it with `installCertAuthorityKey`. */
  readonly caPublicKey: Buffer;
  readonly events: EventEmitter<FakeEvents>;
  /** Receipts the Baileys clients sent for messages they received. */
  readonly receipts: readonly ClientReceipt[];
  readonly media: FakeMedia;
  /** Groups with real sender keys (`groups.ts`). */
  readonly groups: FakeGroups;
  createUser(options?: { pn?: string; name?: string }): UserInfo;
  /** Links the client showing `qr` to `phone` (created when omitted); resolves after 515 was sent. */
  scanQr(qr: string, options?: { phone?: string }): Promise<LinkedDevice>;
  /** The user types the code Baileys' `requestPairingCode(pn)` returned on phone `pn`; resolves after 515. */
  enterPairingCode(pn: string, code: string): Promise<LinkedDevice>;
  /** Makes every client showing a QR run out of refs now (Baileys closes 408); returns how many. */
  expireQrRefs(): number;
  /** `from` (a contact's number) sends `text` to every linked device of `to`; resolves once on the wire or queued. */
  sendText(from: string, to: string, text: string, options?: SendTextOptions): Promise<string>;
  /** `from` sends any message (reply, reaction, edit, revoke, location, contact…) like `sendText`. */
  sendMessage(from: string, to: string, message: proto.IMessage, options?: SendTextOptions): Promise<string>;
  /** Chatstates (typing…) and presences the clients sent, oldest first. */
  presences(): readonly ClientPresence[];
  /**
   * `from` sends an image/video/audio/document/sticker to `to`: encrypted with a fresh media key,
   * hosted on the fake's media host, sent like `sendText`. Resolves with the message id.
   */
  sendMedia(from: string, to: string, media: SendMediaOptions & SendTextOptions): Promise<string>;
  /** `from` starts new Signal sessions with `to`'s devices, as after a reinstall. */
  resetSessions(from: string, to: string): Promise<void>;
  /**
   * `pn`'s phone loses its Signal sessions with `peer`'s devices (a restore): their next message
   * cannot be decrypted and is asked for again with a retry receipt.
   */
  forgetSessions(pn: string, peer: string): void;
  /**
   * Held (a server delay): contacts' retry receipts are not sent on the connection they were
   * asked on but, like any stanza a client never acked, on the device's next connection.
   */
  holdRetryReceipts(held: boolean): void;
  /** A slow server: IQs of `xmlns` whose first child is `tag` are answered `ms` late (0: at once again). */
  delayIqAnswers(xmlns: string, tag: string, ms: number): void;
  /** Delivery (default) or read receipt from `from` to `to`'s linked devices for messages they sent. */
  sendReceipt(from: string, to: string, ids: string[], type?: 'read' | 'played'): number;
  /** What `pn`'s simulated device 0 decrypted from the clients. */
  inbox(pn: string): readonly ReceivedMessage[];
  waitForMessage(
    pn: string,
    accept?: (m: ReceivedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedMessage>;
  waitForReceipt(accept: (r: ClientReceipt) => boolean, timeoutMs?: number): Promise<ClientReceipt>;
  injectHistorySync(pn: string, content: HistorySyncContent): Promise<string>;
  removeDevice(jid: string): boolean;
  replaceConnection(jid: string): void;
  endStream(jid: string): void;
  dropConnection(jid: string): void;
  stopAnsweringPings(jid: string): void;
  sendFailure(jid: string, reason?: number): void;
  failNextLogin(jid: string, reason: number): void;
  linkedDevices(): DeviceInfo[];
  connections(): ConnectionInfo[];
  close(): Promise<void>;
}

const DEFAULTS: FakeOptions = {
  qrRefs: 6,
  qrRefTtlMs: 180_000,
  historySyncOnFirstLogin: false,
  closeGraceMs: 2_000,
};

function userInfo(user: FakeUser): UserInfo {
  return { pn: user.pn, lid: user.lid, name: user.name, jid: pnJid(user.pn), lidJid: lidJid(user.lid) };
}

async function onStanza(ctx: FakeContext, connection: FakeConnection, node: BinaryNode): Promise<void> {
  switch (node.tag) {
    case 'iq':
      if (node.attrs.type !== 'result' && node.attrs.type !== 'error')
        await onClientIq(ctx, connection, node);
      return;
    case 'message':
      if (groupHooks.isGroupMessage(node)) await groupHooks.message(ctx, connection, node);
      else await onClientMessage(ctx, connection, node);
      return;
    case 'receipt':
      onClientReceipt(ctx, connection, node);
      if (groupHooks.isGroupRetry(node)) await groupHooks.retry(ctx, connection, node);
      else if (isDirectRetry(node)) onDirectRetry(ctx, connection, node);
      return;
    case 'chatstate':
    case 'presence':
      onClientPresence(ctx, connection, node);
      return;
    case 'ack':
      onRetryReceiptAck(ctx, connection, node);
      return;
    default:
      // ib(unified_session): nothing to model
      return;
  }
}

export async function createFakeWhatsApp(options: FakeWhatsAppOptions = {}): Promise<FakeWhatsApp> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const events = new EventEmitter<FakeEvents>();
  events.setMaxListeners(0);
  // First: without openssl this throws a clear error before anything else is listening.
  const media = await startMediaHost(events);
  const release = silenceLibsignalConsole();
  const ctx: FakeContext = {
    options: { ...DEFAULTS, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) },
    world: new World(),
    authority: processCertAuthority(),
    staticKey: Curve.generateKeyPair() as KeyPair,
    pairing: new PairingRegistry(),
    events,
    connections: new Set(),
    receipts: [],
    loginFailures: new Map(),
    media,
    retryReceipts: { held: false },
    iqDelays: new Map(),
  };
  const wss = new WebSocketServer({ port, host, path: '/ws/chat' });
  try {
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
  } catch (err) {
    release();
    await media.close();
    throw err;
  }
  wss.on('connection', (ws) => {
    const connection = new FakeConnection(ctx, ws, {
      onClientPayload: (conn, clientStatic, payload) => onClientPayload(ctx, conn, clientStatic, payload),
      onStanza: (conn, node) => onStanza(ctx, conn, node),
    });
    ctx.connections.add(connection);
    ctx.events.emit('connection-open', connection);
  });
  const actualPort = (wss.address() as AddressInfo).port;

  const user = (ref: string): FakeUser => {
    const found = ctx.world.findUser(ref);
    if (!found) throw new Error(`unknown user ${ref}`);
    return found;
  };
  const flushDeliveries = async (target: FakeUser) => {
    await Promise.all([...target.companions.values()].map((c) => c.deliveryChain));
  };

  return {
    url: `ws://${host}:${actualPort}/ws/chat`,
    port: actualPort,
    caPublicKey: ctx.authority.publicKey,
    events: ctx.events,
    receipts: ctx.receipts,
    groups: createFakeGroups(ctx),
    media: {
      caFile: media.caFile,
      caPem: media.caPem,
      hostname: media.hostname,
      port: media.port,
      auth: media.auth,
      dir: media.dir,
      find: (ref) => media.find(ref),
      expire: (ref, status) => media.expire(ref, status),
    },
    createUser: (opts) => userInfo(ctx.world.createUser(opts)),
    expireQrRefs: () => expireQrRefs(ctx),
    enterPairingCode: (pn, code) => enterPairingCode(ctx, pn, code),
    scanQr: (qr, opts) => scanQr(ctx, qr, opts?.phone ? user(opts.phone) : ctx.world.createUser()),
    async sendText(from, to, text, opts) {
      const recipient = user(to);
      const id = sendFromUser(ctx, user(from), recipient, { conversation: text }, opts);
      await flushDeliveries(recipient);
      return id;
    },
    async sendMessage(from, to, message, opts) {
      const recipient = user(to);
      const id = sendFromUser(ctx, user(from), recipient, message, opts);
      await flushDeliveries(recipient);
      return id;
    },
    presences: () => presencesOf(ctx),
    async sendMedia(from, to, options) {
      const sender = user(from);
      const recipient = user(to);
      const { addressing, id: messageId } = options;
      const message = await buildMediaMessage(ctx, options);
      const id = sendFromUser(ctx, sender, recipient, message, {
        ...(addressing ? { addressing } : {}),
        ...(messageId ? { id: messageId } : {}),
      });
      await flushDeliveries(recipient);
      return id;
    },
    resetSessions: (from, to) => resetSessions(ctx, user(from), user(to)),
    forgetSessions: (pn, peer) => user(pn).primary.forgetSessions(peer),
    holdRetryReceipts(held) {
      ctx.retryReceipts.held = held;
    },
    delayIqAnswers(xmlns, tag, ms) {
      if (ms > 0) ctx.iqDelays.set(`${xmlns} ${tag}`, ms);
      else ctx.iqDelays.delete(`${xmlns} ${tag}`);
    },
    sendReceipt: (from, to, ids, type) => sendReceiptToClients(user(from), user(to), ids, type),
    inbox: (pn) => user(pn).inbox,
    async waitForMessage(pn, accept = () => true, timeoutMs = 10_000) {
      const existing = user(pn).inbox.find(accept);
      if (existing) return existing;
      const [, message] = await waitForEvent(
        ctx.events,
        'message-received',
        (to, m) => to === pn && accept(m),
        timeoutMs,
      );
      return message;
    },
    async waitForReceipt(accept, timeoutMs = 10_000) {
      const existing = ctx.receipts.find(accept);
      if (existing) return existing;
      const [receipt] = await waitForEvent(ctx.events, 'client-receipt', accept, timeoutMs);
      return receipt;
    },
    async injectHistorySync(pn, content) {
      const id = sendHistorySync(ctx, pn, content);
      await flushDeliveries(user(pn));
      return id;
    },
    removeDevice: (jid) => removeDevice(ctx, jid),
    replaceConnection: (jid) => replaceConnection(activeConnection(ctx, jid)),
    endStream: (jid) => endStream(activeConnection(ctx, jid)),
    dropConnection: (jid) => activeConnection(ctx, jid).drop(),
    stopAnsweringPings(jid) {
      activeConnection(ctx, jid).answerPings = false;
    },
    sendFailure: (jid, reason) => sendFailure(activeConnection(ctx, jid), reason),
    failNextLogin: (jid, reason) => failNextLogin(ctx, jid, reason),
    linkedDevices: () =>
      ctx.world.companions().map((c) => ({
        jid: companionJid(c),
        lidJid: lidJid(c.user.lid, c.device),
        pn: c.user.pn,
        device: c.device,
        connected: Boolean(c.connection?.isOpen),
        removed: c.removed,
        logins: c.logins,
        queued: c.offlineQueue.length,
        preKeys: c.preKeys.size,
      })),
    connections: () =>
      [...ctx.connections].map((c) => ({
        id: c.id,
        jid: c.companion ? companionJid(c.companion) : undefined,
        pairing: ctx.pairing.byConnection.has(c),
      })),
    async close() {
      for (const connection of ctx.connections) connection.drop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      ctx.events.removeAllListeners();
      await media.close();
      release();
    },
  };
}
