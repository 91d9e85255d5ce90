import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';

export class AuthStateWipeError extends Error {
  override readonly name = 'AuthStateWipeError';
}

/**
 * Pages of up to 1,000 objects one wipe deletes before it gives up (a
 * session holds ~20 objects; a writer that keeps adding faster than this is
 * a bug, and the caller retries).
 */
export const MAX_WIPE_PAGES = 100;

export interface PrefixWipe {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  /**
   * `all`: every version and delete marker too (the API's DELETE: a plain
   * DeleteObjects on a versioned bucket only hides each object, full creds,
   * behind a marker until the lifecycle expires it). `current`: the current
   * objects only (a host's logout; its role has no version grants).
   */
  readonly versions: 'all' | 'current';
}

/**
 * Deletes everything under a prefix. List a page, delete it in one call,
 * repeat until empty; any key S3 refuses fails the wipe (AuthStateWipeError),
 * never left behind silently.
 */
export async function wipeS3Prefix(wipe: PrefixWipe): Promise<void> {
  let versioned = wipe.versions === 'all';
  // Deleting while listing shifts pages, so each round lists from the start again.
  for (let page = 0; page < MAX_WIPE_PAGES; page++) {
    let objects: ObjectIdentifier[] | undefined;
    if (versioned) {
      objects = await listVersions(wipe);
      if (objects === undefined) versioned = false;
    }
    objects ??= await listCurrent(wipe);
    if (objects.length === 0) return;
    const result = await wipe.s3.send(
      new DeleteObjectsCommand({ Bucket: wipe.bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      throw new AuthStateWipeError(`could not delete ${failed.length} auth objects under ${wipe.prefix}`, {
        cause: failed,
      });
    }
  }
  throw new AuthStateWipeError(`auth objects under ${wipe.prefix} kept appearing; retry the wipe`);
}

/**
 * Every version and delete marker, or undefined where the S3 in use has no
 * versioning API (s3rver 3.7 answers 405 MethodNotAllowed; 501 elsewhere);
 * AWS and LocalStack implement it.
 */
async function listVersions(wipe: PrefixWipe): Promise<ObjectIdentifier[] | undefined> {
  try {
    const page = await wipe.s3.send(
      new ListObjectVersionsCommand({ Bucket: wipe.bucket, Prefix: wipe.prefix, MaxKeys: 1000 }),
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

async function listCurrent(wipe: PrefixWipe): Promise<ObjectIdentifier[]> {
  const page = await wipe.s3.send(
    new ListObjectsV2Command({ Bucket: wipe.bucket, Prefix: wipe.prefix, MaxKeys: 1000 }),
  );
  return (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
}
