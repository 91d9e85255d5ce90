import { fetchLatestWaWebVersion, type WAVersion } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

let cached: Promise<WAVersion | undefined> | undefined;

/**
 * The WhatsApp Web version sessions announce. A stale pinned version is a
 * classic cause of "QR never appears", so unless one is configured the host
 * asks WhatsApp once per process (5 s budget) and caches the answer; against a
 * custom server (the fake) it keeps Baileys' bundled version.
 */
export function resolveWaVersion(
  configured: WAVersion | undefined,
  customServer: boolean,
  logger: Logger,
): Promise<WAVersion | undefined> {
  if (configured) return Promise.resolve(configured);
  if (customServer) return Promise.resolve(undefined);
  cached ??= fetchLatestWaWebVersion({ signal: AbortSignal.timeout(5_000) })
    .then(({ version, isLatest, error }) => {
      if (!isLatest) logger.warn({ err: error, version }, 'could not fetch the current whatsapp web version');
      return version as WAVersion;
    })
    .catch((err: unknown) => {
      logger.warn({ err }, 'could not fetch the current whatsapp web version');
      return undefined;
    });
  return cached;
}
