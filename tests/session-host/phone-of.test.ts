import { describe, expect, it } from 'vitest';
import { phoneOf } from '../../session-host/src/runtime/message-events.ts';

describe('phone number of a JID', () => {
  it.each([
    { jid: '4915112345678@s.whatsapp.net', phone: '4915112345678' },
    { jid: '4915112345678:12@s.whatsapp.net', phone: '4915112345678' },
    { jid: '120363040000000000@g.us', phone: undefined },
    { jid: '123456789@lid', phone: undefined },
    { jid: 'status@broadcast', phone: undefined },
    { jid: '', phone: undefined },
    { jid: null, phone: undefined },
  ])('$jid → $phone', ({ jid, phone }) => {
    expect(phoneOf(jid)).toBe(phone);
  });
});
