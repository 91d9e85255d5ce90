import { describe, expect, it } from 'vitest';
import type { OutgoingMedia } from '#commons/domain/media.ts';
import { essence, kindAccepts, resolveMediaType } from '#commons/domain/media-type.ts';
import { requestDigest } from '#commons/domain/session-outbox.ts';
import { checkMediaUrl } from '#commons/media/media-url-policy.ts';

const TO = '4915123456789';
const image = (mediaId: string, extra: Partial<OutgoingMedia> = {}): OutgoingMedia => ({
  kind: 'image',
  source: { mediaId },
  mimetype: 'image/png',
  ...extra,
});
const A = `med_${'a'.repeat(24)}`;
const B = `med_${'b'.repeat(24)}`;

describe('requestDigest over media', () => {
  it('is the same for the same recipient (any spelling) and the same media', () => {
    expect(requestDigest({ to: TO, media: image(A) })).toBe(requestDigest({ to: `+${TO}`, media: image(A) }));
  });

  it.each([
    ['another media id', image(B)],
    ['a caption', image(A, { caption: 'hi' })],
    ['another mimetype', image(A, { mimetype: 'image/jpeg' })],
    ['another kind', { ...image(A), kind: 'sticker' } as OutgoingMedia],
    ['a url instead of the id', { ...image(A), source: { url: A } } as OutgoingMedia],
    ['a file name', image(A, { fileName: 'a.png' })],
    ['ptt', image(A, { ptt: true })],
  ])('differs with %s', (_name, other) => {
    expect(requestDigest({ to: TO, media: other })).not.toBe(requestDigest({ to: TO, media: image(A) }));
  });

  it('tells a media send from a text send', () => {
    expect(requestDigest({ to: TO, text: A })).not.toBe(requestDigest({ to: TO, media: image(A) }));
  });

  it('keeps the digest of a text send as it was before media (rows already stored still match)', () => {
    // sha256 of JSON ["send-v1","4915123456789@s.whatsapp.net","text","hi"], the pre-media canonical form.
    expect(requestDigest({ to: TO, text: 'hi' })).toBe(
      'b610221ad301cc6212a395549abea849b32fc4efcabffb5db366499f2bd40d32',
    );
  });
});

describe('media types', () => {
  it.each([
    ['image', 'image/png', true],
    ['image', 'application/pdf', false],
    ['sticker', 'image/webp', true],
    ['sticker', 'image/png', false],
    ['video', 'video/mp4', true],
    ['audio', 'audio/ogg; codecs=opus', true],
    ['audio', 'video/mp4', false],
    ['document', 'application/x-anything', true],
  ] as const)('%s accepts %s: %s', (kind, type, accepted) => {
    expect(kindAccepts(kind, type)).toBe(accepted);
  });

  it.each([
    ['image/JPG', 'image/jpeg'],
    ['audio/ogg; codecs=opus', 'audio/ogg'],
    ['audio/x-m4a', 'audio/mp4'],
    ['audio/mp3', 'audio/mpeg'],
  ])('%s is %s', (a, b) => {
    expect(essence(a)).toBe(essence(b));
  });

  it.each([
    ['sends the sniffed type', 'image', 'image/png', undefined, undefined, 'image/png'],
    [
      'accepts a declared alias of the sniffed type',
      'audio',
      'audio/x-m4a',
      'audio/mp4',
      undefined,
      'audio/x-m4a',
    ],
    [
      'keeps the sniffed parameters',
      'audio',
      'audio/ogg; codecs=opus',
      'audio/ogg',
      undefined,
      'audio/ogg; codecs=opus',
    ],
    ['sends an unknown document as declared', 'document', undefined, 'text/csv', 'text/plain', 'text/csv'],
    ['falls back to the upload type', 'document', undefined, undefined, 'text/plain', 'text/plain'],
    ['defaults to octet-stream', 'document', undefined, undefined, undefined, 'application/octet-stream'],
  ] as const)('%s', (_name, kind, sniffed, declared, fallback, expected) => {
    expect(resolveMediaType(kind, sniffed, declared, fallback)).toEqual({ ok: true, mimetype: expected });
  });

  it.each([
    ['unrecognised bytes as an image', 'image', undefined, undefined],
    ['a PNG as audio', 'audio', 'image/png', undefined],
    ['a PNG declared jpeg', 'image', 'image/png', 'image/jpeg'],
    ['a PDF document declared text', 'document', 'application/pdf', 'text/plain'],
  ] as const)('refuses %s', (_name, kind, sniffed, declared) => {
    expect(resolveMediaType(kind, sniffed, declared).ok).toBe(false);
  });
});

describe('checkMediaUrl', () => {
  it.each([
    ['https://files.example.com/a.pdf', 'strict', true],
    ['https://8.8.8.8/a.pdf', 'strict', true],
    ['http://files.example.com/a.pdf', 'strict', false],
    ['https://localhost/a', 'strict', false],
    ['https://LOCALHOST./a', 'strict', false],
    ['https://x.localhost/a', 'strict', false],
    ['https://127.0.0.1/a', 'strict', false],
    ['https://10.0.0.1/a', 'strict', false],
    ['https://[::ffff:127.0.0.1]/a', 'strict', false],
    ['https://169.254.169.254/a', 'strict', false],
    [`https://files.example.com/${'a'.repeat(2100)}`, 'strict', false],
    ['http://127.0.0.1:8443/a', 'loopback-http', true],
    ['https://localhost:8443/a', 'loopback-http', true],
    ['http://10.0.0.1/a', 'loopback-http', false],
  ] as const)('%s in %s mode: allowed %s', (url, mode, allowed) => {
    expect(checkMediaUrl(url, mode).ok).toBe(allowed);
  });
});
