/**
 * Every group action through the public API (/v1) against a real host, real
 * Baileys and the fake WhatsApp, observed at the fake's members: create, add,
 * leave, media, the sender-key rotation after a removal made through the API,
 * and hostile inputs. Incoming traffic: groups-api-events.test.ts.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import { receivedMediaBytes } from '../support/fake-whatsapp/contact-media.ts';
import { errorCode, linkedApiSession } from './groups-api-support.ts';
import { HostHarness } from './host-harness.ts';
import { mediaBytes } from './media-fixture-bytes.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let h: HostHarness;
let api: ApiHarness;
beforeEach(async () => {
  h = await HostHarness.create();
  api = await createApiHarness('groups-api-more', { aws: h.aws });
  api.now = new Date();
});
afterEach(async () => {
  await h.dispose();
});

describe('group actions through the public API', () => {
  it('creates a group of three (201) with the linked number as admin, and all three decrypt a text to it', async () => {
    const { call, members, device } = await linkedApiSession(h, api);

    const created = await call('POST', '/groups', {
      subject: 'Orders',
      participants: members.map((m) => m.pn),
    });

    expect(created.status).toBe(201);
    const jid = created.body.jid as string;
    expect(jid).toMatch(/@g\.us$/);
    expect(created.body.subject).toBe('Orders');
    const onServer = h.fake.groups.get(jid);
    expect(onServer?.participants.map((p) => p.pn).sort()).toEqual(
      [device.pn, ...members.map((m) => m.pn)].sort(),
    );
    expect(onServer?.participants.find((p) => p.pn === device.pn)?.role).toMatch(/admin/);
    const sent = await call('POST', '/messages', { to: jid, text: 'welcome', mode: 'sync' });
    expect(sent.status).toBe(201);
    for (const member of members) {
      const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === sent.body.messageId, 20_000);
      expect(got.text).toBe('welcome');
    }
  });

  it('adds a participant (outcome done), who shows on the server and decrypts the next message', async () => {
    const { call, members, device } = await linkedApiSession(h, api);
    const group = h.fake.groups.create({
      subject: 'Desk',
      creator: device.pn,
      participants: members.map((m) => m.pn),
    });
    const first = await call('POST', '/messages', { to: group.jid, text: 'before Dave', mode: 'sync' });
    await h.fake.groups.waitForMessage(members[0].pn, (m) => m.id === first.body.messageId, 20_000);
    const dave = h.fake.createUser({ name: 'Dave' });
    // Our own device's copy of the add notification comes late: the add itself must drop the cached members.
    const release = h.fake.groups.holdNotifications(device.pn);

    const added = await call('POST', `/groups/${group.jid}/participants`, { add: [dave.pn] });

    expect(added).toEqual({
      status: 200,
      body: { participants: [expect.objectContaining({ outcome: 'done', code: '200' })] },
    });
    expect(h.fake.groups.get(group.jid)?.participants.map((p) => p.pn)).toContain(dave.pn);
    const next = await call('POST', '/messages', { to: group.jid, text: 'hello Dave', mode: 'sync' });
    expect(next.status).toBe(201);
    for (const member of [...members, dave]) {
      const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === next.body.messageId, 20_000);
      expect(got.text).toBe('hello Dave');
    }
    release();
  });

  it('leaves a group; later sends to it are refused: sync 403 GROUP_FORBIDDEN, queued FAILED', async () => {
    const { call, members, device, waitForApiEvent } = await linkedApiSession(h, api);
    const group = h.fake.groups.create({
      subject: 'Desk',
      creator: device.pn,
      participants: members.map((m) => m.pn),
    });

    const before = await call('POST', '/messages', { to: group.jid, text: 'signing off', mode: 'sync' });
    await h.fake.groups.waitForMessage(members[0].pn, (m) => m.id === before.body.messageId, 20_000);
    // Our own device's copy of the leave notification comes late: the leave itself must drop what the host knew.
    const release = h.fake.groups.holdNotifications(device.pn);

    const left = await call('POST', `/groups/${group.jid}/leave`);
    const sync = await call('POST', '/messages', { to: group.jid, text: 'still here?', mode: 'sync' });
    const queued = await call('POST', '/messages', { to: group.jid, text: 'still here? (queued)' });

    expect(left).toEqual({ status: 200, body: { left: true } });
    expect(h.fake.groups.get(group.jid)?.participants.map((p) => p.pn)).not.toContain(device.pn);
    expect(sync.status).toBe(403);
    expect(errorCode(sync.body)).toBe('GROUP_FORBIDDEN');
    expect(queued.status).toBe(202);
    const failed = await waitForApiEvent(
      (e) =>
        e.type === 'session:message-status' &&
        e.data.id === queued.body.messageId &&
        e.data.status === 'FAILED',
      `${String(queued.body.messageId)} to fail`,
    );
    expect(failed.data.error).toMatchObject({ code: 'GROUP_FORBIDDEN' });
    release();
    for (const member of members) {
      expect(h.fake.groups.inbox(member.pn).map((m) => m.text)).toEqual(['signing off']);
    }
  });

  it('an image uploaded through the presigned PUT and sent to the group reaches all three byte-exact', async () => {
    const { call, members, device } = await linkedApiSession(h, api, { withMedia: true });
    const group = h.fake.groups.create({
      subject: 'Photos',
      creator: device.pn,
      participants: members.map((m) => m.pn),
    });
    const { bytes, mimetype } = mediaBytes('image');
    const presigned = await call('POST', '/media', { kind: 'image', mimetype, size: bytes.length });
    expect(presigned.status).toBe(201);
    const upload = presigned.body.upload as { url: string; headers: Record<string, string> };
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
    expect(put.status).toBe(200);

    const sent = await call('POST', '/messages', {
      to: group.jid,
      image: { mediaId: presigned.body.mediaId, caption: 'for the team' },
      mode: 'sync',
    });

    expect(sent.status).toBe(201);
    for (const member of members) {
      const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === sent.body.messageId, 20_000);
      expect(got.media).toMatchObject({ kind: 'image', verified: true, caption: 'for the team' });
      expect(sha256(await receivedMediaBytes(got.media!))).toBe(sha256(bytes));
    }
  });
});

describe('sender-key rotation through the public API', () => {
  it('after a removal through the API the removed member’s old key cannot read the next message; the others can', async () => {
    const { call, members, device } = await linkedApiSession(h, api);
    const [alice, bob, carol] = members;
    const group = h.fake.groups.create({
      subject: 'Desk',
      creator: device.pn,
      participants: members.map((m) => m.pn),
    });
    const send = async (text: string) => {
      const res = await call('POST', '/messages', { to: group.jid, text, mode: 'sync' });
      expect(res.status).toBe(201);
      return res.body.messageId as string;
    };
    const first = await send('first');
    await h.fake.groups.waitForMessage(carol.pn, (m) => m.id === first, 20_000);
    const snapshot = h.fake.groups.senderKeySnapshot(group.jid, carol.pn);
    const before = await send('before the removal');
    await h.fake.groups.waitForMessage(carol.pn, (m) => m.id === before, 20_000);
    // The snapshot is a working key state: it reads the next message while Carol is in.
    await expect(h.fake.groups.decryptWithSnapshot(snapshot, before)).resolves.toBe('before the removal');

    // Our own device's copy of the removal notification comes late, so only the API path can rotate the key.
    const release = h.fake.groups.holdNotifications(device.pn);
    const removed = await call('POST', `/groups/${group.jid}/participants`, { remove: [carol.pn] });
    const after = await send('after the removal');
    release();

    expect(removed.status).toBe(200);
    for (const member of [alice, bob]) {
      const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === after, 20_000);
      expect(got.text).toBe('after the removal');
    }
    await expect(h.fake.groups.decryptWithSnapshot(snapshot, after)).rejects.toThrow();
  });
});

describe('hostile inputs on the group routes, against a real host', () => {
  it('refuses a non-group JID, 51 participants and an empty add with 400, another tenant with 404; nothing changes', async () => {
    const { call, members, device, sessionId } = await linkedApiSession(h, api);
    const group = h.fake.groups.create({
      subject: 'Desk',
      creator: device.pn,
      participants: members.map((m) => m.pn),
    });
    const fifty1 = Array.from({ length: 51 }, (_, i) => `49151234${String(i).padStart(5, '0')}`);
    const personal = `${members[0].pn}@s.whatsapp.net`;
    const other = await api.adminToken('globex');

    const answers = [
      await call('POST', `/groups/${personal}/participants`, { add: [members[1].pn] }),
      await call('POST', `/groups/${personal}/leave`),
      await call('POST', `/groups/${group.jid}/participants`, { add: fifty1 }),
      await call('POST', '/groups', { subject: 'Too big', participants: fifty1 }),
      await call('POST', `/groups/${group.jid}/participants`, { add: [] }),
      await call('POST', `/groups/${group.jid}/participants`, { remove: [] }),
    ];
    const foreign = await Promise.all(
      [
        ['GET', '/groups'],
        ['POST', `/groups/${group.jid}/participants`, { remove: [members[0].pn] }],
        ['POST', `/groups/${group.jid}/leave`],
        ['POST', '/groups', { subject: 'x', participants: [members[0].pn] }],
      ].map(async ([method, path, body]) => {
        const res = await api.request(method as string, `/v1/sessions/${sessionId}${path as string}`, {
          token: other,
          ...(body !== undefined && { body }),
        });
        return [res.status, errorCode((await res.json()) as Record<string, unknown>)];
      }),
    );

    expect(answers.map((a) => [a.status, errorCode(a.body)])).toEqual(
      answers.map(() => [400, 'VALIDATION_FAILED']),
    );
    expect(foreign).toEqual(foreign.map(() => [404, 'SESSION_NOT_FOUND']));
    expect(
      h.fake.groups
        .get(group.jid)
        ?.participants.map((p) => p.pn)
        .sort(),
    ).toEqual([device.pn, ...members.map((m) => m.pn)].sort());
    expect(h.fake.groups.get(personal)).toBeUndefined();
  });
});
