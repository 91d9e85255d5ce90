import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HostTimeoutError,
  HostUnreachableError,
  SessionNotConnectedError,
} from '#commons/errors/app-errors.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';

const INTERNAL_TOKEN = 'internal-token-internal-token-0123456789';
const seen: { path: string; authorization: string | undefined; body: unknown }[] = [];
let server: ServerType;
let endpoint: string;
const hanging: (() => void)[] = [];

/** A real session-host-like server: answers, refuses, or never answers, by session id. */
function hostApp(): Hono {
  const app = new Hono();
  app.post('/internal/sessions/:id/messages', async (c) => {
    seen.push({ path: c.req.path, authorization: c.req.header('authorization'), body: await c.req.json() });
    const id = c.req.param('id');
    if (id === 'ses_hang') await new Promise<void>((resolve) => hanging.push(resolve));
    if (id === 'ses_offline') return c.json({ error: { code: 'SESSION_NOT_CONNECTED' } }, 409);
    if (id === 'ses_broken') return c.json({ error: { code: 'INTERNAL' } }, 500);
    if (id === 'ses_garbled') return c.text('not json', 201);
    const body = (await c.req.json().catch(() => ({}))) as { messageId?: string };
    if (id === 'ses_content')
      return c.json({ messageId: body.messageId, status: 'SENT', content: 'AQID' }, 201);
    if (id === 'ses_bad_content')
      return c.json({ messageId: body.messageId, status: 'SENT', content: 7 }, 201);
    return c.json({ messageId: body.messageId, status: 'SENT' }, 201);
  });
  app.post('/internal/sessions/:id/pairing-code', async (c) => {
    seen.push({ path: c.req.path, authorization: c.req.header('authorization'), body: await c.req.json() });
    return c.json({ code: 'WXYZ-1234' });
  });
  app.post('/internal/nudge', async (c) => {
    const body = (await c.req.json()) as { sessionId: string };
    seen.push({ path: c.req.path, authorization: c.req.header('authorization'), body });
    if (body.sessionId === 'ses_hang') await new Promise<void>((resolve) => hanging.push(resolve));
    return c.body(null, 202);
  });
  return app;
}

beforeAll(async () => {
  server = serve({ fetch: hostApp().fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const release of hanging) release();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const client = (timeoutMs = 2_000) => new HttpHostClient({ internalToken: INTERNAL_TOKEN, timeoutMs });

describe('HttpHostClient against a real HTTP host', () => {
  it('sends with the internal credential and returns the host’s answer', async () => {
    const result = await client().sendMessage(endpoint, 'ses_ok', {
      to: '4915123456789',
      text: 'hi',
      messageId: '3EB0AA',
    });
    expect(result).toEqual({ messageId: '3EB0AA', status: 'SENT' });
    expect(seen.at(-1)).toEqual({
      path: '/internal/sessions/ses_ok/messages',
      authorization: `Bearer ${INTERNAL_TOKEN}`,
      body: { to: '4915123456789', text: 'hi', messageId: '3EB0AA' },
    });
  });

  it('passes on the content the host sent, and drops a malformed one rather than fail a send that happened', async () => {
    const message = { to: '4915123456789', text: 'hi', messageId: '3EB0AB' };
    expect(await client().sendMessage(endpoint, 'ses_content', message)).toEqual({
      messageId: '3EB0AB',
      status: 'SENT',
      content: 'AQID',
    });
    expect(await client().sendMessage(endpoint, 'ses_bad_content', message)).toEqual({
      messageId: '3EB0AB',
      status: 'SENT',
    });
  });

  it('asks for a pairing code and nudges', async () => {
    expect(await client().requestPairingCode(endpoint, 'ses_ok', '4915123456789')).toEqual({
      code: 'WXYZ-1234',
    });
    await client().nudge(endpoint, 'ses_ok');
    expect(seen.at(-1)).toMatchObject({ path: '/internal/nudge', body: { sessionId: 'ses_ok' } });
  });

  it('maps a host 409 to SessionNotConnectedError', async () => {
    await expect(
      client().sendMessage(endpoint, 'ses_offline', { to: '1', text: 'x', messageId: 'm' }),
    ).rejects.toBeInstanceOf(SessionNotConnectedError);
  });

  it('maps a host 500 and a garbled answer to HostUnreachableError', async () => {
    const msg = { to: '1', text: 'x', messageId: 'm' };
    await expect(client().sendMessage(endpoint, 'ses_broken', msg)).rejects.toBeInstanceOf(
      HostUnreachableError,
    );
    await expect(client().sendMessage(endpoint, 'ses_garbled', msg)).rejects.toBeInstanceOf(
      HostUnreachableError,
    );
  });

  it('maps connection refused to HostUnreachableError', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const attempt = client().sendMessage(dead, 'ses_ok', { to: '1', text: 'x', messageId: 'm' });
    await expect(attempt).rejects.toBeInstanceOf(HostUnreachableError);
    await expect(attempt).rejects.toHaveProperty('cause');
  });

  it('gives up on a nudge sooner than on a command', async () => {
    const patient = new HttpHostClient({
      internalToken: INTERNAL_TOKEN,
      timeoutMs: 60_000,
      nudgeTimeoutMs: 100,
    });
    await expect(patient.nudge(endpoint, 'ses_hang')).rejects.toBeInstanceOf(HostTimeoutError);
  });

  it('keeps a path prefix of the registered endpoint', async () => {
    let calledUrl = '';
    const prefixed = new HttpHostClient({
      internalToken: INTERNAL_TOKEN,
      timeoutMs: 1000,
      fetch: async (url) => {
        calledUrl = String(url);
        return new Response(null, { status: 202 });
      },
    });
    await prefixed.nudge('http://10.0.1.5:8080/host-a/', 'ses_x');
    expect(calledUrl).toBe('http://10.0.1.5:8080/host-a/internal/nudge');
  });

  it('gives up on a host that never answers with HostTimeoutError instead of hanging', async () => {
    const attempt = client(150).sendMessage(endpoint, 'ses_hang', { to: '1', text: 'x', messageId: 'm' });
    await expect(attempt).rejects.toBeInstanceOf(HostTimeoutError);
  });
});
