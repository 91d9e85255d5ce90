import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy on loopback that can be switched off, to make a real service unreachable for a while. */
export interface ToggleProxy {
  readonly url: string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startToggleProxy(target: URL): Promise<ToggleProxy> {
  let isUp = true;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (!isUp) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    down: () => {
      isUp = false;
      for (const s of open) s.destroy();
      open.clear();
    },
    up: () => {
      isUp = true;
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
