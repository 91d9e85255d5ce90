import { describe, expect, it } from 'vitest';
import { isSessionId, MESSAGE_ID_PATTERN, newMessageId, newSessionId } from '#commons/domain/ids.ts';

describe('identifiers', () => {
  it('mints session ids that are URL-, S3- and DynamoDB-key safe', () => {
    for (let i = 0; i < 200; i++) {
      const id = newSessionId();
      expect(isSessionId(id)).toBe(true);
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it('derives the session id from its random bytes', () => {
    const zeros = newSessionId((n) => new Uint8Array(n));
    const ones = newSessionId((n) => new Uint8Array(n).fill(1));
    expect(zeros).toBe(`ses_${'a'.repeat(20)}`);
    expect(ones).toBe(`ses_${'b'.repeat(20)}`);
  });

  it('rejects ids that are not ours', () => {
    for (const id of [
      'ses_',
      'ses_ABCDEFGHIJKLMNOPQRST',
      'ses_abcdefghijklmnopqrs',
      '../ses_abcdefghijklmnopqrst',
      'x',
    ]) {
      expect(isSessionId(id)).toBe(false);
    }
  });

  it('mints WhatsApp-style uppercase hex message ids', () => {
    expect(newMessageId((n) => new Uint8Array(n).fill(0xab))).toBe(`3EB0${'AB'.repeat(9)}`);
    const ids = new Set(Array.from({ length: 200 }, () => newMessageId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(MESSAGE_ID_PATTERN);
  });
});
