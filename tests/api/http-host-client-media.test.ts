/**
 * The host's typed media refusals reach the API caller as the same error
 * (sync mode): the host checks what the API could not (a URL's size and type
 * while it streams, an upload removed since), and answers {error: {code}}.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HostUnreachableError,
  MediaNotFoundError,
  MediaTooLargeError,
  MediaTransfersBusyError,
  MediaTypeMismatchError,
  MediaUnavailableError,
  MediaUrlFailedError,
  MediaUrlRefusedError,
  SessionNotConnectedError,
} from '#commons/errors/app-errors.ts';
import type { HostMessage } from '#commons/hosts/host-client.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';

const seen: unknown[] = [];
let server: ServerType;
let endpoint: string;

/** Answers each session id with one refusal, as a session host would. */
const ANSWERS: Record<string, [number, unknown]> = {
  ses_large: [413, { error: { code: 'MEDIA_TOO_LARGE', message: 'the file is over 16777216 bytes' } }],
  ses_type: [415, { error: { code: 'MEDIA_TYPE_MISMATCH', message: 'the bytes are application/pdf' } }],
  ses_gone: [404, { error: { code: 'MEDIA_NOT_FOUND', message: 'no such upload' } }],
  ses_private: [422, { error: { code: 'MEDIA_URL_REFUSED', message: 'resolves to a private address' } }],
  ses_offline: [409, { error: { code: 'SESSION_NOT_CONNECTED', message: 'not here' } }],
  ses_missing: [404, { error: { code: 'SESSION_NOT_CONNECTED', message: 'not here' } }],
  ses_other: [400, { error: { code: 'SOMETHING_ELSE', message: 'x' } }],
  ses_urlfail: [422, { error: { code: 'MEDIA_URL_FAILED', message: 'the URL answered 500' } }],
  ses_busy: [429, { error: { code: 'MEDIA_TRANSFERS_BUSY', message: 'busy' } }],
  ses_s3down: [503, { error: { code: 'MEDIA_SOURCE_UNAVAILABLE', message: 'storage unreachable' } }],
  ses_nobucket: [422, { error: { code: 'MEDIA_NOT_CONFIGURED', message: 'no media bucket' } }],
};
/** Retry-After the fake host sends with some answers. */
const RETRY_AFTER: Record<string, string> = { ses_busy: '7', ses_s3down: '99999' };

beforeAll(async () => {
  const app = new Hono();
  app.post('/internal/sessions/:id/messages', async (c) => {
    seen.push(await c.req.json());
    const [status, body] = ANSWERS[c.req.param('id')] ?? [500, {}];
    const retryAfter = RETRY_AFTER[c.req.param('id')];
    if (retryAfter) c.header('retry-after', retryAfter);
    return c.json(body, status as 400);
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = new HttpHostClient({
  internalToken: 'internal-token-internal-token-0123456789',
  timeoutMs: 2000,
});
const message: HostMessage = {
  to: '4915123456789',
  media: { kind: 'document', source: { url: 'https://files.example.com/a.pdf' }, fileName: 'a.pdf' },
  messageId: '3EB0AAAABBBBCCCC',
};

describe('HttpHostClient and the host’s media refusals', () => {
  it('sends the media as the host message body', async () => {
    seen.length = 0;
    await client.sendMessage(endpoint, 'ses_large', message).catch(() => undefined);
    expect(seen).toEqual([message]);
  });

  it.each([
    ['ses_large', MediaTooLargeError, 'the file is over 16777216 bytes'],
    ['ses_type', MediaTypeMismatchError, 'the bytes are application/pdf'],
    ['ses_gone', MediaNotFoundError, 'media not found'],
    ['ses_private', MediaUrlRefusedError, 'resolves to a private address'],
    ['ses_urlfail', MediaUrlFailedError, 'the URL answered 500'],
    ['ses_busy', MediaTransfersBusyError, 'busy'],
    ['ses_s3down', MediaUnavailableError, 'storage unreachable'],
    ['ses_nobucket', MediaUnavailableError, 'no media bucket'],
  ] as const)('%s becomes %s with the host’s message', async (session, type, text) => {
    const err = await client.sendMessage(endpoint, session, message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(text);
  });

  it('passes the host’s Retry-After on, bounded, with a default when it gave none', async () => {
    const retry = async (session: string) =>
      (
        (await client.sendMessage(endpoint, session, message).catch((e: unknown) => e)) as {
          retryAfterSeconds?: number;
        }
      ).retryAfterSeconds;
    expect([await retry('ses_busy'), await retry('ses_s3down'), await retry('ses_nobucket')]).toEqual([
      7, 300, 5,
    ]);
  });

  it('keeps the old meaning of 404/409 without a media code, and of other 4xx', async () => {
    await expect(client.sendMessage(endpoint, 'ses_offline', message)).rejects.toBeInstanceOf(
      SessionNotConnectedError,
    );
    await expect(client.sendMessage(endpoint, 'ses_missing', message)).rejects.toBeInstanceOf(
      SessionNotConnectedError,
    );
    await expect(client.sendMessage(endpoint, 'ses_other', message)).rejects.toBeInstanceOf(
      HostUnreachableError,
    );
  });
});
