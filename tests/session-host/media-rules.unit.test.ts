/** The host's media rules as plain functions: the transfer slots and the download host check (type rules: tests/domain/media-send-rules.test.ts). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mediaDownloadUrl } from '../../session-host/src/media/media-download.ts';
import { MediaError } from '../../session-host/src/media/media-errors.ts';
import { MediaTransfers } from '../../session-host/src/media/media-transfers.ts';
import { createHostMetrics } from '../../session-host/src/metrics.ts';

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
