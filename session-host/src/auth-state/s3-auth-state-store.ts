import type { S3Client } from '@aws-sdk/client-s3';
import type { AuthPointerStore } from '#commons/domain/fence.ts';
import { wipeS3Prefix } from '#commons/storage/s3-prefix-wipe.ts';
import type { AuthStateStore, OpenAuthState, SessionAuth } from '../ports/auth-state-store.ts';
import { S3AuthState } from './s3-auth-state.ts';

export interface S3AuthStateStoreOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Where each session's auth pointer lives (the session record, fenced). */
  readonly pointers: AuthPointerStore;
}

/** Auth states in S3 with their pointer on the session record. */
export class S3AuthStateStore implements AuthStateStore {
  constructor(private readonly options: S3AuthStateStoreOptions) {}

  open(options: OpenAuthState): Promise<SessionAuth> {
    return S3AuthState.open({
      ...options,
      s3: this.options.s3,
      bucket: this.options.bucket,
      pointers: this.options.pointers,
    });
  }

  wipe(prefix: string): Promise<void> {
    return wipeS3Prefix({ s3: this.options.s3, bucket: this.options.bucket, prefix, versions: 'all' });
  }
}
