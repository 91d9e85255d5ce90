import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/**
 * How a chaos proxy treats traffic: forwards it, refuses it (new connections
 * destroyed, open ones cut), holds every chunk for `ms`, or lets requests
 * through and resets the connection when the answer starts (the write may
 * have landed, the caller never hears).
 */
export type ProxyMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'reset' };

/** Sees every chunk of one proxied connection, in order: requests as they go upstream, answers as they arrive. */
export interface ConnectionTap {
  request(chunk: Buffer, at: number): void;
  response(chunk: Buffer, at: number): void;
  closed(): void;
}

export interface ChaosProxy {
  readonly url: string;
  readonly mode: ProxyMode;
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy in front of a real service, whose behaviour can be switched at any moment. */
export async function startChaosProxy(target: URL, tap?: () => ConnectionTap): Promise<ChaosProxy> {
  let mode: ProxyMode = { kind: 'pass' };
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (mode.kind === 'drop') {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    const seen = tap?.();
    open.add(client);
    open.add(upstream);
    let gone = false;
    const drop = (): void => {
      if (gone) return;
      gone = true;
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
      seen?.closed();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    // A request is seen when it goes upstream (after any delay): it cannot land any earlier.
    const forward = (to: Socket, chunk: Buffer): void => {
      const send = (): void => {
        if (gone) return;
        if (to === upstream) seen?.request(chunk, Date.now());
        to.write(chunk);
      };
      // One delay for every chunk keeps each direction in order.
      if (mode.kind === 'delay') setTimeout(send, mode.ms);
      else send();
    };
    client.on('data', (chunk: Buffer) => forward(upstream, chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (mode.kind === 'reset') {
        client.resetAndDestroy();
        drop();
        return;
      }
      seen?.response(chunk, Date.now());
      forward(client, chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    set: (next) => {
      mode = next;
      if (next.kind === 'drop') for (const s of open) s.destroy();
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
