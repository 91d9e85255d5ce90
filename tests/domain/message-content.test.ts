import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  contactVcard,
  MAX_CONTACT_CHECK,
  messageActionSchema,
  parseCheckNumbers,
} from '#commons/domain/message-content.ts';
import { requestDigest } from '#commons/domain/session-outbox.ts';

describe('parseCheckNumbers', () => {
  it('strips +, spaces and dashes and drops repeats, keeping the order', () => {
    expect(parseCheckNumbers('+49 151-2345 6789, 15550001111,4915123456789')).toEqual({
      ok: true,
      numbers: ['4915123456789', '15550001111'],
    });
  });

  it.each([[''], [','], ['12'], ['0491512345678'], ['4915123456789,abc']])(
    'refuses %j as format',
    (input) => {
      expect(parseCheckNumbers(input)).toMatchObject({ ok: false, reason: 'format' });
    },
  );

  it('refuses more than the bound as count, not format', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `1555000${String(i).padStart(4, '0')}`);
    expect(parseCheckNumbers(list(MAX_CONTACT_CHECK).join(','))).toMatchObject({ ok: true });
    expect(parseCheckNumbers(list(MAX_CONTACT_CHECK + 1).join(','))).toMatchObject({
      ok: false,
      reason: 'count',
    });
  });
});

describe('contactVcard', () => {
  it('escapes vCard separators in the name and names the WhatsApp id', () => {
    expect(contactVcard({ name: 'Bo; Smith, Jr\\', phoneNumber: '4915100000001' })).toBe(
      'BEGIN:VCARD\nVERSION:3.0\nFN:Bo\\; Smith\\, Jr\\\\\nTEL;type=CELL;waid=4915100000001:+4915100000001\nEND:VCARD',
    );
  });

  it('is only reached with names without line breaks (the schema refuses them)', () => {
    const card = { type: 'contact', name: 'A\r\nTEL:+1', phoneNumber: '4915100000001' };
    expect(messageActionSchema.safeParse(card).success).toBe(false);
  });
});

describe('requestDigest of kinds and replies', () => {
  it('keeps the digest of a text send without a quote as before replies existed', () => {
    const before = createHash('sha256')
      .update(JSON.stringify(['send-v1', '4915123456789@s.whatsapp.net', 'text', 'hi']), 'utf8')
      .digest('hex');
    expect(requestDigest({ to: '4915123456789', text: 'hi' })).toBe(before);
  });

  it.each([
    [
      { text: 'hi', quoted: { messageId: 'ABCDEF12' } },
      { text: 'hi', quoted: { messageId: 'ABCDEF13' } },
    ],
    [{ text: 'hi' }, { text: 'hi', quoted: { messageId: 'ABCDEF12' } }],
    [
      { action: { type: 'reaction' as const, messageId: 'ABCDEF12', emoji: '👍' } },
      { action: { type: 'reaction' as const, messageId: 'ABCDEF12', emoji: '' } },
    ],
    [
      { action: { type: 'edit' as const, messageId: 'ABCDEF12', text: 'x' } },
      { action: { type: 'delete' as const, messageId: 'ABCDEF12' } },
    ],
    [{ text: 'ABCDEF12' }, { action: { type: 'delete' as const, messageId: 'ABCDEF12' } }],
  ])('tells different sends apart', (a, b) => {
    const to = '4915123456789';
    expect(requestDigest({ to, ...a })).not.toBe(requestDigest({ to, ...b }));
  });
});
