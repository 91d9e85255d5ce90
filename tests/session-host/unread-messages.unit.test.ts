import { describe, expect, it } from 'vitest';
import { MAX_UNREAD_PER_CHAT } from '#commons/domain/message-content.ts';
import { MAX_UNREAD_CHATS, UnreadMessages } from '../../session-host/src/messaging/unread-messages.ts';

const PN = '4915100000001@s.whatsapp.net';
const LID = '201651282282156@lid';

describe('UnreadMessages', () => {
  it('hands out a chat under either JID form once, and forgets what was read by id', () => {
    const unread = new UnreadMessages();
    unread.note({ remoteJid: LID, id: 'A' }, PN);
    unread.note({ remoteJid: PN, id: 'B' }, LID);
    unread.note({ remoteJid: LID, id: 'C' });
    unread.read(PN, ['C']);
    expect(unread.take(PN).map((k) => [k.remoteJid, k.id])).toEqual([
      [LID, 'A'],
      [PN, 'B'],
    ]);
    expect(unread.take(LID)).toEqual([]);
    expect(unread.take(PN)).toEqual([]);
  });

  it('keeps the newest messages of a chat and the most recently active chats', () => {
    const unread = new UnreadMessages();
    for (let i = 0; i < MAX_UNREAD_PER_CHAT + 5; i++) unread.note({ remoteJid: PN, id: `M${i}` });
    const kept = unread.take(PN).map((k) => k.id);
    expect(kept).toHaveLength(MAX_UNREAD_PER_CHAT);
    expect(kept[0]).toBe('M5');
    for (let i = 0; i <= MAX_UNREAD_CHATS; i++) unread.note({ remoteJid: `${1000 + i}@lid`, id: 'X' });
    expect(unread.take('1000@lid')).toEqual([]);
    expect(unread.take('1001@lid')).toHaveLength(1);
  });
});
