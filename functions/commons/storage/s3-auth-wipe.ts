import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SessionAuthState } from '../domain/session-auth-state.ts';
import { AUTH_BUCKET } from './tables.ts';

export interface S3SessionAuthStateOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

export class AuthStateWipeError extends Error {
  override readonly name = 'AuthStateWipeError';
}

/**
 * Pages of up to 1,000 versions one wipe deletes before it gives up (a
 * session holds ~20 objects; a writer that keeps adding faster than this is
 * a bug, and the DELETE is retried).
 */
export const MAX_WIPE_PAGES = 100;

/**
 * Deletes a session's auth prefix, every version and delete marker included:
 * the bucket is versioned, and a plain DeleteObjects would only hide each
 * object (full creds) behind a delete marker until the lifecycle expires it.
 * List a page, delete it in one call, repeat until empty.
 */
export class S3SessionAuthState implements SessionAuthState {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(options: S3SessionAuthStateOptions) {
    this.#s3 = options.client;
    this.#bucket = options.bucket;
  }

  async wipe(tenantId: string, sessionId: string): Promise<void> {
    const prefix = AUTH_BUCKET.sessionPrefix(tenantId, sessionId);
    let versioned = true;
    // Deleting while listing shifts pages, so each round lists from the start again.
    for (let page = 0; page < MAX_WIPE_PAGES; page++) {
      let objects: ObjectIdentifier[];
      if (versioned) {
        const listed = await this.#listVersions(prefix);
        if (listed === undefined) versioned = false;
        objects = listed ?? (await this.#listCurrent(prefix));
      } else {
        objects = await this.#listCurrent(prefix);
      }
      if (objects.length === 0) return;
      const result = await this.#s3.send(
        new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new AuthStateWipeError(`could not delete ${failed.length} auth objects under ${prefix}`, {
          cause: failed,
        });
      }
    }
    throw new AuthStateWipeError(`auth objects under ${prefix} kept appearing; retry the delete`);
  }

  /**
   * Every version and delete marker, or undefined where the S3 in use has no
   * versioning API (s3rver 3.7 answers 405 MethodNotAllowed; 501 elsewhere);
   * AWS and LocalStack implement it.
   */
  async #listVersions(prefix: string): Promise<ObjectIdentifier[] | undefined> {
    try {
      const page = await this.#s3.send(
        new ListObjectVersionsCommand({ Bucket: this.#bucket, Prefix: prefix, MaxKeys: 1000 }),
      );
      return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
        v.Key ? [{ Key: v.Key, ...(v.VersionId && { VersionId: v.VersionId }) }] : [],
      );
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 405 || status === 501) return undefined;
      throw err;
    }
  }

  async #listCurrent(prefix: string): Promise<ObjectIdentifier[]> {
    const page = await this.#s3.send(
      new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, MaxKeys: 1000 }),
    );
    return (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
  }
}
