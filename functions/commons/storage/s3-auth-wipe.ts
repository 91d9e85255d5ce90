import type { S3Client } from '@aws-sdk/client-s3';
import type { SessionAuthState } from '../domain/session-auth-state.ts';
import { wipeS3Prefix } from './s3-prefix-wipe.ts';
import { AUTH_BUCKET } from './tables.ts';

export { AuthStateWipeError, MAX_WIPE_PAGES } from './s3-prefix-wipe.ts';

export interface S3SessionAuthStateOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** The API's wipe of a session's auth prefix on DELETE: every version and delete marker included. */
export class S3SessionAuthState implements SessionAuthState {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(options: S3SessionAuthStateOptions) {
    this.#s3 = options.client;
    this.#bucket = options.bucket;
  }

  async wipe(tenantId: string, sessionId: string): Promise<void> {
    const prefix = AUTH_BUCKET.sessionPrefix(tenantId, sessionId);
    await wipeS3Prefix({ s3: this.#s3, bucket: this.#bucket, prefix, versions: 'all' });
  }
}
