import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { SessionAuthState } from '../domain/session-auth-state.ts';
import { AUTH_BUCKET } from './tables.ts';

export interface S3SessionAuthStateOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

export class AuthStateWipeError extends Error {
  override readonly name = 'AuthStateWipeError';
}

/** Deletes a session's auth prefix: list a page, delete it in one call, repeat until empty. */
export class S3SessionAuthState implements SessionAuthState {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(options: S3SessionAuthStateOptions) {
    this.#s3 = options.client;
    this.#bucket = options.bucket;
  }

  async wipe(tenantId: string, sessionId: string): Promise<void> {
    const prefix = AUTH_BUCKET.sessionPrefix(tenantId, sessionId);
    // Deleting while listing shifts pages, so each round lists from the start again.
    for (;;) {
      const page = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, MaxKeys: 1000 }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) return;
      const result = await this.#s3.send(
        new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new AuthStateWipeError(`could not delete ${failed.length} auth objects under ${prefix}`, {
          cause: failed,
        });
      }
    }
  }
}
