import { randomBytes } from 'node:crypto';
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode, type proto } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import { redeliverFromClosed } from './contact-messaging.ts';
import type { FakeContext } from './context.ts';
import { NoiseServer } from './noise-server.ts';
import { silenceLibsignalConsole } from './quiet-libsignal.ts';
import type { Companion } from './world.ts';

export interface ConnectionHandlers {
  onClientPayload(
    connection: FakeConnection,
    clientStatic: Buffer,
    payload: proto.ClientPayload,
  ): Promise<void>;
  onStanza(connection: FakeConnection, node: BinaryNode): Promise<void>;
}

let connectionSeq = 0;

export function newStanzaId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/**
 * One WebSocket from a Baileys client. Frames are processed strictly in arrival order
 * (a handler that awaits never lets the next frame overtake it): Signal and Noise state depend on it.
 */
export class FakeConnection {
  readonly id = ++connectionSeq;
  companion: Companion | undefined;
  /** When false, `w:p` pings are ignored so Baileys' keep-alive declares the connection lost. */
  answerPings = true;
  private readonly noise: NoiseServer;
  private stage: 'hello' | 'finish' | 'transport' = 'hello';
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, (node: BinaryNode) => void>();
  private closeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ctx: FakeContext,
    private readonly ws: WebSocket,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.noise = new NoiseServer(ctx.staticKey, ctx.authority.issueChain(ctx.staticKey.public));
    ws.on('message', (data: Buffer) => {
      this.queue = this.queue.then(() => this.onData(data)).catch((err: unknown) => this.fail(err));
    });
    ws.on('close', () => this.onClosed());
    ws.on('error', () => this.onClosed());
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  send(node: BinaryNode): void {
    if (!this.isOpen) return;
    this.ws.send(this.noise.encodeFrame(encodeBinaryNode(node)));
  }

  /** Sends an IQ to the client and resolves with its `result`/`error` answer. */
  query(node: BinaryNode): Promise<BinaryNode> {
    const id = node.attrs.id ?? newStanzaId();
    node.attrs.id = id;
    return new Promise((resolve, reject) => {
      if (!this.isOpen) {
        reject(new Error('connection closed'));
        return;
      }
      this.pending.set(id, resolve);
      this.send(node);
    });
  }

  /** Sends a fatal stanza and lets the client close first, so Baileys reports that stanza's code. */
  sendFatal(node: BinaryNode): void {
    this.send(node);
    this.closeAfterGrace();
  }

  closeAfterGrace(): void {
    if (this.closeTimer || this.closed) return;
    this.closeTimer = setTimeout(() => this.ws.terminate(), this.ctx.options.closeGraceMs);
  }

  /** A TCP-level drop: no closing handshake. */
  drop(): void {
    this.ws.terminate();
  }

  close(): void {
    this.ws.close();
  }

  private async onData(data: Buffer): Promise<void> {
    for (const frame of this.noise.receive(data)) {
      if (this.stage === 'hello') {
        this.ws.send(this.noise.respondToHello(frame));
        this.stage = 'finish';
      } else if (this.stage === 'finish') {
        const { clientStatic, payload } = this.noise.finish(frame);
        this.stage = 'transport';
        await this.handlers.onClientPayload(this, clientStatic, payload);
      } else {
        await this.onNode(await decodeBinaryNode(frame));
      }
    }
  }

  private async onNode(node: BinaryNode): Promise<void> {
    const id = node.attrs.id;
    if (node.tag === 'iq' && (node.attrs.type === 'result' || node.attrs.type === 'error') && id) {
      const resolve = this.pending.get(id);
      if (resolve) {
        this.pending.delete(id);
        resolve(node);
        return;
      }
    }
    const release = silenceLibsignalConsole();
    try {
      await this.handlers.onStanza(this, node);
    } finally {
      release();
    }
  }

  private fail(err: unknown): void {
    this.ctx.events.emit('protocol-error', err instanceof Error ? err : new Error(String(err)));
    this.ws.terminate();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.closeTimer);
    this.pending.clear();
    this.ctx.connections.delete(this);
    this.ctx.pairing.removeConnection(this);
    if (this.companion?.connection === this) this.companion.connection = undefined;
    else if (this.companion) redeliverFromClosed(this.ctx, this.companion, this);
    this.ctx.events.emit('connection-closed', this);
  }
}
