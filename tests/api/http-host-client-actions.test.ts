import { describe, expect, it } from 'vitest';
import { NotOwnMessageError, RateLimitedError } from '#commons/errors/app-errors.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';

const answering = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpHostClient({
    internalToken: 'internal-token-0123456789-0123456789',
    timeoutMs: 1_000,
    fetch: (async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      })) as typeof fetch,
  });

describe('the host client on message actions', () => {
  it('passes the host’s contact-check pacing on as RATE_LIMITED with its Retry-After', async () => {
    const client = answering(
      429,
      { error: { code: 'RATE_LIMITED', message: 'slow down' } },
      { 'retry-after': '7' },
    );
    const refusal = await client
      .checkContacts('http://h', 'ses_x', ['4915123456789'])
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect((refusal as RateLimitedError).retryAfterSeconds).toBe(7);
  });

  it('passes NOT_OWN_MESSAGE on as that error', async () => {
    const client = answering(422, { error: { code: 'NOT_OWN_MESSAGE', message: 'not yours' } });
    const send = client.sendMessage('http://h', 'ses_x', {
      to: '4915123456789',
      action: { type: 'delete', messageId: '3EB0AAAAAAAA' },
      messageId: '3EB0BBBBBBBB',
    });
    await expect(send).rejects.toBeInstanceOf(NotOwnMessageError);
  });

  it('reads the contacts of a check answer and refuses a malformed one as HOST_UNREACHABLE', async () => {
    const contacts = [{ number: '4915123456789', exists: true, jid: '4915123456789@s.whatsapp.net' }];
    expect(await answering(200, { contacts }).checkContacts('http://h', 'ses_x', ['4915123456789'])).toEqual(
      contacts,
    );
    await expect(
      answering(200, { contacts: [{ number: 1 }] }).checkContacts('http://h', 'ses_x', ['4915123456789']),
    ).rejects.toMatchObject({ code: 'HOST_UNREACHABLE' });
  });
});
