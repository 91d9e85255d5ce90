import { type GroupMetadata, type WAMessage, WAMessageStubType } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { GroupReceiptTracker, laterStatus } from '#commons/domain/group-receipts.ts';
import { groupErrorCode, participantJid, participantOutcome } from '#commons/domain/groups.ts';
import { whatsAppRefusal } from '../../session-host/src/groups/group-errors.ts';
import { GroupMetadataCache } from '../../session-host/src/groups/group-metadata-cache.ts';
import { participantsEvent } from '../../session-host/src/groups/participant-stubs.ts';

const meta = (id: string, subject = 's'): GroupMetadata =>
  ({ id, subject, participants: [], addressingMode: 'lid' }) as unknown as GroupMetadata;

describe('group rules', () => {
  it.each([
    [404, 'GROUP_NOT_FOUND'],
    [403, 'GROUP_FORBIDDEN'],
    [401, 'GROUP_FORBIDDEN'],
    [400, 'GROUP_REQUEST_REFUSED'],
    [500, 'GROUP_REQUEST_REFUSED'],
    [undefined, 'GROUP_REQUEST_REFUSED'],
  ])('maps WhatsApp’s %s to %s', (code, ours) => {
    expect(groupErrorCode(code)).toBe(ours);
  });

  it.each([
    ['200', 'done'],
    ['403', 'not-authorized'],
    ['404', 'not-on-whatsapp'],
    ['406', 'not-in-group'],
    ['408', 'recently-left'],
    ['409', 'already-in-group'],
    ['500', 'refused'],
  ])('names participant code %s %s', (code, outcome) => {
    expect(participantOutcome(code)).toBe(outcome);
  });

  it.each([
    ['4915123456789', '4915123456789@s.whatsapp.net'],
    ['+4915123456789', '4915123456789@s.whatsapp.net'],
    ['201651282282156@lid', '201651282282156@lid'],
  ])('addresses participant %s as %s', (input, jid) => {
    expect(participantJid(input)).toBe(jid);
  });

  it.each([
    [undefined, 'READ', 'READ'],
    ['DELIVERED', 'READ', 'READ'],
    ['READ', 'DELIVERED', 'READ'],
    ['PLAYED', 'READ', 'PLAYED'],
  ])('a member at %s receiving %s stays at %s', (current, next, expected) => {
    expect(laterStatus(current, next)).toBe(expected);
  });

  it('reads WhatsApp’s code from both Boom shapes Baileys throws, and nothing from a timeout', () => {
    const fromQuery = Object.assign(new Error('forbidden'), {
      isBoom: true,
      data: 403,
      output: { statusCode: 500 },
    });
    const fromMetadata = Object.assign(new Error('item-not-found'), {
      isBoom: true,
      data: { tag: 'error', attrs: { code: '404' } },
      output: { statusCode: 404 },
    });
    const timeout = Object.assign(new Error('Timed Out'), { isBoom: true, output: { statusCode: 408 } });

    expect(whatsAppRefusal(fromQuery)).toMatchObject({ code: 'GROUP_FORBIDDEN', whatsAppCode: 403 });
    expect(whatsAppRefusal(fromMetadata)).toMatchObject({ code: 'GROUP_NOT_FOUND', whatsAppCode: 404 });
    expect(whatsAppRefusal(timeout)).toBeUndefined();
    expect(whatsAppRefusal(new Error('plain'))).toBeUndefined();
  });
});

describe('group receipt tracker', () => {
  it('carries every member heard so far and forgets the oldest message past its bound', () => {
    const tracker = new GroupReceiptTracker(2, 10);
    tracker.record('g@g.us', 'm1', 'a@lid', 'DELIVERED');
    const second = tracker.record('g@g.us', 'm1', 'b@lid', 'READ');
    tracker.record('g@g.us', 'm2', 'a@lid', 'DELIVERED');
    tracker.record('g@g.us', 'm3', 'a@lid', 'DELIVERED');
    const again = tracker.record('g@g.us', 'm1', 'c@lid', 'DELIVERED');

    expect(second.participants).toEqual({ 'a@lid': 'DELIVERED', 'b@lid': 'READ' });
    expect(again.participants).toEqual({ 'c@lid': 'DELIVERED' });
    expect(tracker.size).toBe(2);
  });

  it('keeps at most its bound of members per message, and still updates those it has', () => {
    const tracker = new GroupReceiptTracker(10, 2);
    tracker.record('g@g.us', 'm', 'a@lid', 'DELIVERED');
    tracker.record('g@g.us', 'm', 'b@lid', 'DELIVERED');
    tracker.record('g@g.us', 'm', 'c@lid', 'DELIVERED');
    const last = tracker.record('g@g.us', 'm', 'a@lid', 'READ');

    expect(last.participants).toEqual({ 'a@lid': 'READ', 'b@lid': 'DELIVERED' });
  });
});

describe('group metadata cache', () => {
  const fetching = () => {
    const calls: string[] = [];
    const pending: ((m: GroupMetadata) => void)[] = [];
    const fetcher = (jid: string) => {
      calls.push(jid);
      return new Promise<GroupMetadata>((resolve) => pending.push(resolve));
    };
    return { calls, pending, fetcher };
  };

  it('fetches a miss once however many sends wait for it, then answers from memory', async () => {
    const cache = new GroupMetadataCache(() => 0);
    const { calls, pending, fetcher } = fetching();
    cache.bind(fetcher);

    const both = Promise.all([cache.get('g@g.us'), cache.get('g@g.us')]);
    pending[0]?.(meta('g@g.us'));
    await both;
    await cache.get('g@g.us');

    expect(calls).toEqual(['g@g.us']);
  });

  it('fetches again after an invalidation, after its TTL, and never stores a fetch older than an invalidation', async () => {
    let now = 0;
    const cache = new GroupMetadataCache(() => now, 10, 1_000);
    const { calls, pending, fetcher } = fetching();
    cache.bind(fetcher);

    const first = cache.get('g@g.us');
    cache.invalidate('g@g.us');
    pending[0]?.(meta('g@g.us', 'stale'));
    await first;
    const second = cache.get('g@g.us');
    pending[1]?.(meta('g@g.us', 'fresh'));
    expect((await second)?.subject).toBe('fresh');
    now = 1_000;
    const third = cache.get('g@g.us');
    pending[2]?.(meta('g@g.us', 'later'));
    await third;

    expect(calls).toHaveLength(3);
  });

  it('keeps at most its limit of groups, dropping the least recently used', async () => {
    const cache = new GroupMetadataCache(() => 0, 2);
    cache.set(meta('a@g.us'));
    cache.set(meta('b@g.us'));
    await cache.get('a@g.us');
    cache.set(meta('c@g.us'));

    expect(cache.size).toBe(2);
    const { calls, pending, fetcher } = fetching();
    cache.bind(fetcher);
    await cache.get('a@g.us');
    const b = cache.get('b@g.us');
    pending[0]?.(meta('b@g.us'));
    await b;
    expect(calls).toEqual(['b@g.us']);
  });

  it('does not cache a failed fetch', async () => {
    const cache = new GroupMetadataCache(() => 0);
    let n = 0;
    cache.bind(async (jid) => {
      n += 1;
      if (n === 1) throw new Error('forbidden');
      return meta(jid);
    });

    await expect(cache.get('g@g.us')).rejects.toThrow('forbidden');
    await expect(cache.get('g@g.us')).resolves.toMatchObject({ id: 'g@g.us' });
  });
});

describe('participant notifications as events', () => {
  const stub = (type: number, parameters: string[], id = 'NOTIF1'): WAMessage =>
    ({
      key: { remoteJid: '120363025246125888@g.us', id, participant: '201651282282156@lid', fromMe: false },
      messageStubType: type,
      messageStubParameters: parameters,
    }) as WAMessage;
  const carol = JSON.stringify({ id: '201651282282157@lid', phoneNumber: '4915100000002@s.whatsapp.net' });

  it.each([
    [WAMessageStubType.GROUP_PARTICIPANT_ADD, 'add'],
    [WAMessageStubType.GROUP_PARTICIPANT_REMOVE, 'remove'],
    [WAMessageStubType.GROUP_PARTICIPANT_LEAVE, 'leave'],
    [WAMessageStubType.GROUP_PARTICIPANT_PROMOTE, 'promote'],
    [WAMessageStubType.GROUP_PARTICIPANT_DEMOTE, 'demote'],
  ])('stub %i is action %s with both forms of the participant and the actor', (type, action) => {
    expect(participantsEvent('ses_a', stub(type, [carol]))?.data).toEqual({
      group: '120363025246125888@g.us',
      action,
      participants: [{ jid: '201651282282157@lid', phoneNumberJid: '4915100000002@s.whatsapp.net' }],
      actor: '201651282282156@lid',
    });
  });

  it('gives a notification delivered twice one event id, and another notification another', () => {
    const first = participantsEvent('ses_a', stub(WAMessageStubType.GROUP_PARTICIPANT_ADD, [carol]));
    const again = participantsEvent('ses_a', stub(WAMessageStubType.GROUP_PARTICIPANT_ADD, [carol]));
    const other = participantsEvent(
      'ses_a',
      stub(WAMessageStubType.GROUP_PARTICIPANT_ADD, [carol], 'NOTIF2'),
    );

    expect(first?.eventId).toBe(again?.eventId);
    expect(other?.eventId).not.toBe(first?.eventId);
  });

  it('ignores other stubs and malformed parameters', () => {
    expect(participantsEvent('ses_a', stub(WAMessageStubType.GROUP_CHANGE_SUBJECT, ['x']))).toBeUndefined();
    expect(
      participantsEvent('ses_a', stub(WAMessageStubType.GROUP_PARTICIPANT_ADD, ['{', '{"id":3}']))?.data
        .participants,
    ).toEqual([]);
  });
});
