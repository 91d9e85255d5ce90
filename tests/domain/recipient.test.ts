import { describe, expect, it } from 'vitest';
import { parseRecipient, RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';

describe('parseRecipient', () => {
  it.each([
    ['4915123456789', { user: '4915123456789', server: 's.whatsapp.net' }],
    ['+4915123456789', { user: '4915123456789', server: 's.whatsapp.net' }],
    ['4915123456789@s.whatsapp.net', { user: '4915123456789', server: 's.whatsapp.net' }],
    ['123456789012345@lid', { user: '123456789012345', server: 'lid' }],
    ['120363025246125888@g.us', { user: '120363025246125888', server: 'g.us' }],
    ['4915123456789-1612345678@g.us', { user: '4915123456789-1612345678', server: 'g.us' }],
  ])('accepts %s', (input, expected) => {
    expect(parseRecipient(input)).toEqual(expected);
    expect(RECIPIENT_PATTERN.test(input)).toBe(true);
  });

  it.each([
    ['status@broadcast'],
    ['12345678@broadcast'],
    ['120363025246125888@newsletter'],
    ['4915123456789:12@s.whatsapp.net'],
    ['123456789012345:3@lid'],
    ['0123456@s.whatsapp.net'],
    ['12345'],
    ['abc@s.whatsapp.net'],
    ['4915123456789@s.whatsapp.net.evil'],
    ['4915123456789@c.us'],
    ['@lid'],
    [''],
    ['4915123456789@s.whatsapp.net\n'],
  ])('refuses %j', (input) => {
    expect(parseRecipient(input)).toBeUndefined();
    expect(RECIPIENT_PATTERN.test(input)).toBe(false);
  });
});
