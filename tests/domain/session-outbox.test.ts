import { describe, expect, it } from 'vitest';
import { requestDigest } from '#commons/domain/session-outbox.ts';

describe('requestDigest', () => {
  it.each([
    ['+4915123456789', '4915123456789'],
    ['4915123456789', '4915123456789@s.whatsapp.net'],
    ['+4915123456789', '4915123456789@s.whatsapp.net'],
  ])('treats %s and %s as the same recipient', (a, b) => {
    expect(requestDigest({ to: a, text: 'hi' })).toBe(requestDigest({ to: b, text: 'hi' }));
  });

  it.each([
    [
      { to: '4915123456789', text: 'hi' },
      { to: '4915123456780', text: 'hi' },
    ],
    [
      { to: '4915123456789', text: 'hi' },
      { to: '4915123456789', text: 'hi!' },
    ],
    [
      { to: '4915123456789', text: 'hi' },
      { to: '4915123456789@lid', text: 'hi' },
    ],
  ])('tells different requests apart', (a, b) => {
    expect(requestDigest(a)).not.toBe(requestDigest(b));
  });
});
