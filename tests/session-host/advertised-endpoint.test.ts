import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { advertisedEndpoint } from '../../session-host/src/runtime/advertised-endpoint.ts';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function metadata(body: unknown): Promise<string> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
  );
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/abc`;
}

describe('the endpoint a host advertises', () => {
  it('prefers the configured endpoint', async () => {
    expect(await advertisedEndpoint('http://10.0.0.9:9000', 8080, 'http://127.0.0.1:1')).toBe(
      'http://10.0.0.9:9000',
    );
  });

  it('uses the task’s private IP from the ECS metadata endpoint', async () => {
    const uri = await metadata({ Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['10.0.3.17'] }] });
    expect(await advertisedEndpoint(undefined, 8080, uri)).toBe('http://10.0.3.17:8080');
  });

  it('fails loudly when the metadata has no address rather than advertising loopback in the cloud', async () => {
    const uri = await metadata({ Networks: [] });
    await expect(advertisedEndpoint(undefined, 8080, uri)).rejects.toThrow(/no private IPv4/);
  });

  it('falls back to loopback off ECS', async () => {
    expect(await advertisedEndpoint(undefined, 8123, undefined)).toBe('http://127.0.0.1:8123');
  });
});
