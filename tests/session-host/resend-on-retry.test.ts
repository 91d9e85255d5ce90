/**
 * A contact's phone that cannot decrypt a message the session sent (its keys
 * moved on: a restore, or a host that died before its keys were durable) asks
 * for it again, and the host sends it again on a fresh Signal session: the
 * contact gets it once. And what the host keeps to send again is bounded.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { proto } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import {
  RESEND_CONTENTS_PER_SESSION,
  ResendContents,
} from '../../session-host/src/messaging/resend-contents.ts';
import { startToggleProxy, type ToggleProxy } from '../support/toggle-proxy.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let proxy: ToggleProxy | undefined;
let s3: S3Client | undefined;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
  await proxy?.close();
  s3?.destroy();
  proxy = undefined;
  s3 = undefined;
});

describe('a sent message the contact could not decrypt', () => {
  it('is sent again when the contact asks, and arrives once', async () => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Dora' });
    const device = await h.link(sessionId);
    const asked: string[] = [];
    h.fake.events.on('retry-requested', (_jid, id) => asked.push(id));
    const session = running.host.session(sessionId);
    await session?.sendText(contact.pn, 'before the restore', '3EB0AAAA000000000001');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'before the restore');

    h.fake.forgetSessions(contact.pn, device.pn);
    await session?.sendText(contact.pn, 'after the restore', '3EB0AAAA000000000002');
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.text === 'after the restore', 20_000);
    expect(got.id).toBe('3EB0AAAA000000000002');
    expect(asked).toContain('3EB0AAAA000000000002');
    expect(h.fake.inbox(contact.pn).filter((m) => m.id === got.id)).toHaveLength(1);
  });
});

describe('a request to send again that the socket never answered', () => {
  it('comes again on the next connection, as WhatsApp redelivers what was not acked, and the message arrives once', async () => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Ivo' });
    const device = await h.link(sessionId);
    const session = running.host.session(sessionId);
    await session?.sendText(contact.pn, 'before the restore', '3EB0AAAA000000000021');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'before the restore');
    // The connection drops as the contact asks: the host cannot resend nor ack on it.
    const asked: string[] = [];
    h.fake.events.on('retry-requested', (jid, id) => {
      if (asked.push(id) === 1) h.fake.dropConnection(jid);
    });
    const acked: string[] = [];
    h.fake.events.on('retry-receipt-acked', (_jid, id) => acked.push(id));

    h.fake.forgetSessions(contact.pn, device.pn);
    // WhatsApp's ack of the send went with the connection too: the send itself reports a failure.
    await session?.sendText(contact.pn, 'after the restore', '3EB0AAAA000000000022').catch(() => undefined);
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.text === 'after the restore', 20_000);
    expect(got.id).toBe('3EB0AAAA000000000022');
    expect(got.encType).toBe('pkmsg');
    expect(asked).toEqual(['3EB0AAAA000000000022']);
    // Acked after the resend, on the new connection: WhatsApp stops delivering it.
    await waitFor(
      async () => acked.length > 0 || undefined,
      () => 'the retry receipt acked',
      10_000,
      20,
    );
    expect(acked).toEqual(['3EB0AAAA000000000022']);
    expect(h.fake.inbox(contact.pn).filter((m) => m.id === got.id)).toHaveLength(1);
  });
});

describe('a request to send again that the host could not honour', () => {
  it('is not acked while key storage is away: it comes again on the next connection, and the message arrives once', async () => {
    proxy = await startToggleProxy(new URL(h.aws.storage.s3Endpoint as string));
    s3 = new S3Client({ ...s3ClientConfig({ region: 'us-east-1', endpoint: proxy.url }), maxAttempts: 1 });
    const running = await h.startHost('host-1', { s3 });
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Uma' });
    const device = await h.link(sessionId);
    const session = running.host.session(sessionId);
    await session?.sendText(contact.pn, 'before the restore', '3EB0AAAA000000000031');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'before the restore');
    // S3 goes away as the contact asks: the host cannot commit the contact's fresh keys for the resend.
    const asked: string[] = [];
    h.fake.events.on('retry-requested', (_jid, id) => {
      if (asked.push(id) === 1) proxy?.down();
    });
    const acked: string[] = [];
    h.fake.events.on('retry-receipt-acked', (_jid, id) => acked.push(id));

    h.fake.forgetSessions(contact.pn, device.pn);
    await session?.sendText(contact.pn, 'after the restore', '3EB0AAAA000000000032').catch(() => undefined);
    await waitFor(() => running.metrics.resendFailures.value > 0, 'the resend to fail', 20_000);
    expect(acked).toEqual([]);
    expect(running.logs.some((l) => l.msg === 'resend failed; socket ended to be asked again')).toBe(true);

    proxy.up();
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.text === 'after the restore', 30_000);
    expect(got.id).toBe('3EB0AAAA000000000032');
    await waitFor(() => acked.length > 0, 'the retry receipt acked', 10_000);
    expect(acked).toEqual(['3EB0AAAA000000000032']);
    expect(h.fake.inbox(contact.pn).filter((m) => m.id === got.id)).toHaveLength(1);
  });
});

describe('what a session keeps to send again', () => {
  it('holds the newest messages up to its bound', () => {
    const contents = new ResendContents();
    for (let i = 0; i <= RESEND_CONTENTS_PER_SESSION; i++)
      contents.remember(`id-${i}`, proto.Message.fromObject({ conversation: `m${i}` }));
    expect(contents.size).toBe(RESEND_CONTENTS_PER_SESSION);
    expect(contents.find('id-0')).toBeUndefined();
    expect(contents.find(`id-${RESEND_CONTENTS_PER_SESSION}`)?.conversation).toBe(
      `m${RESEND_CONTENTS_PER_SESSION}`,
    );
  });
});
