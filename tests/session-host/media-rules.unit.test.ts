/** The host's media rules as plain functions: the type check per kind, the transfer slots, the download host check. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaKind } from '#commons/domain/media.ts';
import { mediaDownloadUrl } from '../../session-host/src/media/media-download.ts';
import { MediaError } from '../../session-host/src/media/media-errors.ts';
import { MediaTransfers } from '../../session-host/src/media/media-transfers.ts';
import { checkMediaType } from '../../session-host/src/media/media-type.ts';
import { createHostMetrics } from '../../session-host/src/metrics.ts';

describe('media type check', () => {
  it.each<[MediaKind, string | undefined, string | undefined, string | false]>([
    ['image', 'image/jpeg', undefined, 'image/jpeg'],
    ['image', 'image/png', 'image/png', 'image/png'],
    ['image', 'application/pdf', undefined, false],
    ['image', undefined, 'image/jpeg', false],
    ['image', 'image/png', 'image/jpeg', false],
    ['sticker', 'image/webp', undefined, 'image/webp'],
    ['sticker', 'image/png', undefined, false],
    ['video', 'video/mp4', undefined, 'video/mp4'],
    ['audio', 'audio/ogg; codecs=opus', 'audio/ogg; codecs=opus', 'audio/ogg; codecs=opus'],
    ['audio', 'audio/ogg; codecs=opus', 'audio/ogg', 'audio/ogg'],
    ['audio', 'video/mp4', undefined, false],
    ['document', undefined, undefined, 'application/octet-stream'],
    ['document', undefined, 'text/csv', 'text/csv'],
    ['document', 'application/pdf', undefined, 'application/pdf'],
    ['document', 'image/png', 'application/pdf', false],
  ])('%s sniffed %s declared %s → %s', (kind, sniffed, declared, expected) => {
    const verdict = checkMediaType(kind, sniffed, declared);
    if (expected === false) expect(verdict.ok).toBe(false);
    else expect(verdict).toEqual({ ok: true, mimetype: expected });
  });
});

describe('media transfer slots', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at most `limit` transfers and fails a wait past its bound with MEDIA_TRANSFERS_BUSY', async () => {
    const metrics = createHostMetrics();
    const transfers = new MediaTransfers(1, metrics);
    let finish: () => void = () => undefined;
    const first = transfers.run(1_000, () => new Promise<void>((resolve) => (finish = resolve)));
    const second = transfers.run(1_000, async () => 'ran').catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(0);
    expect(metrics.mediaTransfersActive.value).toBe(1);
    await vi.advanceTimersByTimeAsync(1_001);
    const err = await second;
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('MEDIA_TRANSFERS_BUSY');
    expect(metrics.mediaTransfersBusy.value).toBe(1);
    const third = transfers.run(1_000, async () => 'third');
    finish();
    await first;
    expect(await third).toBe('third');
    expect(metrics.mediaTransfersActive.value).toBe(0);
    expect(transfers.active).toBe(0);
  });
});

describe('media download location', () => {
  it('fetches directPath on the host of the message url, https only', () => {
    expect(mediaDownloadUrl({ url: 'https://127.0.0.1:8443/x?y=1', directPath: '/v/t62/abc' }).href).toBe(
      'https://127.0.0.1:8443/v/t62/abc',
    );
    expect(mediaDownloadUrl({ directPath: '/v/abc' }).host).toBe('mmg.whatsapp.net');
    expect(mediaDownloadUrl({ url: 'https://mmg.whatsapp.net/d/f/abc.enc' }).pathname).toBe('/d/f/abc.enc');
    expect(() => mediaDownloadUrl({ url: 'http://mmg.whatsapp.net/x' })).toThrow(MediaError);
    expect(() => mediaDownloadUrl({ url: 'https://user:pw@mmg.whatsapp.net/x' })).toThrow(MediaError);
  });
});
