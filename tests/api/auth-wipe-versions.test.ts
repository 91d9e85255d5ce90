import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3SessionAuthState } from '#commons/storage/s3-auth-wipe.ts';

/**
 * s3rver has no versioning API, so the versioned path is checked against a
 * stub that answers as a versioned bucket on AWS does (the embedded-S3 path is
 * covered by tests/api/sessions.test.ts and tests/session-host/delete-race.test.ts).
 */
function versionedBucket(entries: { Key: string; VersionId: string; marker?: boolean }[]) {
  const sent: unknown[] = [];
  let remaining = [...entries];
  const client = {
    async send(command: unknown) {
      sent.push(command);
      if (command instanceof ListObjectVersionsCommand) {
        const prefix = command.input.Prefix ?? '';
        const mine = remaining.filter((e) => e.Key.startsWith(prefix));
        return {
          Versions: mine.filter((e) => !e.marker).map(({ Key, VersionId }) => ({ Key, VersionId })),
          DeleteMarkers: mine.filter((e) => e.marker).map(({ Key, VersionId }) => ({ Key, VersionId })),
        };
      }
      if (command instanceof DeleteObjectsCommand) {
        const gone = command.input.Delete?.Objects ?? [];
        remaining = remaining.filter(
          (e) => !gone.some((g) => g.Key === e.Key && g.VersionId === e.VersionId),
        );
        return { Errors: [] };
      }
      throw new Error(`unexpected ${(command as object).constructor.name}`);
    },
  };
  return { client: client as unknown as S3Client, sent, remaining: () => remaining };
}

describe('wiping auth state in a versioned bucket', () => {
  it('deletes every version and delete marker under the prefix by version id, and nothing else', async () => {
    const bucket = versionedBucket([
      { Key: 'auth/acme/ses_a/journal/1-1-x.json', VersionId: 'v1' },
      { Key: 'auth/acme/ses_a/journal/1-1-x.json', VersionId: 'v2', marker: true },
      { Key: 'auth/acme/ses_a/snapshots/1-2-x.json', VersionId: 'v3' },
      { Key: 'auth/acme/ses_b/journal/1-1-y.json', VersionId: 'v4' },
    ]);
    await new S3SessionAuthState({ client: bucket.client, bucket: 'b' }).wipe('acme', 'ses_a');
    expect(bucket.remaining()).toEqual([{ Key: 'auth/acme/ses_b/journal/1-1-y.json', VersionId: 'v4' }]);
    const deletes = bucket.sent.filter((c) => c instanceof DeleteObjectsCommand) as DeleteObjectsCommand[];
    expect(deletes.flatMap((d) => d.input.Delete?.Objects ?? [])).toEqual(
      expect.arrayContaining([
        { Key: 'auth/acme/ses_a/journal/1-1-x.json', VersionId: 'v1' },
        { Key: 'auth/acme/ses_a/journal/1-1-x.json', VersionId: 'v2' },
        { Key: 'auth/acme/ses_a/snapshots/1-2-x.json', VersionId: 'v3' },
      ]),
    );
    expect(bucket.sent.some((c) => c instanceof ListObjectsV2Command)).toBe(false);
  });
});
