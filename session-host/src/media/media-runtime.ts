import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { DestinationMode } from '#commons/webhooks/address-policy.ts';
import type { Resolve } from '#commons/webhooks/webhook-poster.ts';
import type { HostMetrics } from '../metrics.ts';
import type { MediaSourceConfig } from './media-source.ts';
import { MediaTransfers } from './media-transfers.ts';

/** Everything a host's sessions share to move media: the bucket, the trust, the transfer slots. */
export interface MediaRuntime {
  readonly s3: S3Client;
  /** Undefined: media not configured (sends MEDIA_NOT_CONFIGURED, incoming MEDIA_STORE_FAILED). */
  readonly bucket: string | undefined;
  readonly destinations: DestinationMode;
  /** For WhatsApp's media hosts: Baileys' uploads (`fetchAgent`) and the host's own downloads. */
  readonly agent: https.Agent;
  readonly transfers: MediaTransfers;
  /** One transfer, retries and the wait for a slot included. */
  readonly transferTimeoutMs: number;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly resolve?: Resolve;
}

export interface MediaRuntimeOptions {
  readonly s3: S3Client;
  readonly bucket: string | undefined;
  readonly destinations: DestinationMode;
  /** PEM of an extra CA trusted for media hosts, besides the system roots. */
  readonly caPem?: string | undefined;
  readonly transfers: number;
  readonly transferTimeoutMs: number;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly resolve?: Resolve;
}

export function createMediaRuntime(options: MediaRuntimeOptions): MediaRuntime {
  return {
    s3: options.s3,
    bucket: options.bucket,
    destinations: options.destinations,
    agent: mediaAgent(options.caPem),
    transfers: new MediaTransfers(options.transfers, options.metrics),
    transferTimeoutMs: options.transferTimeoutMs,
    metrics: options.metrics,
    logger: options.logger,
    ...(options.resolve && { resolve: options.resolve }),
  };
}

/**
 * The one https.Agent for media hosts. Baileys uploads with node:https and
 * takes it as `fetchAgent` (an undici Agent breaks uploads with
 * ERR_INVALID_ARG_TYPE in rc14); `ca` replaces the system roots, so they are
 * listed with the extra CA.
 */
export function mediaAgent(caPem: string | undefined): https.Agent {
  return new https.Agent({ keepAlive: true, ...(caPem && { ca: [...rootCertificates, caPem] }) });
}

export function sourceConfig(media: MediaRuntime): MediaSourceConfig {
  return {
    s3: media.s3,
    bucket: media.bucket,
    destinations: media.destinations,
    connectTimeoutMs: Math.min(media.transferTimeoutMs, 15_000),
    ...(media.resolve && { resolve: media.resolve }),
  };
}
