/** A session owned by one host, and its S3 auth state opened against embedded AWS. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthPointerStore, Fence } from '#commons/domain/fence.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { S3AuthState } from '../../session-host/src/auth-state/s3-auth-state.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

export interface AuthFixture {
  readonly aws: TestAws;
  readonly ownership: DynamoDbSessionOwnership;
  owned(hostId?: string): Promise<OwnedSession>;
  open(s: OwnedSession, over?: Partial<Parameters<typeof S3AuthState.open>[0]>): Promise<S3AuthState>;
}

export interface OwnedSession {
  readonly sessionId: string;
  readonly fence: Fence;
  readonly prefix: string;
}

export async function authFixture(label: string): Promise<AuthFixture> {
  const aws = await createTestAws(label);
  const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
  let n = 0;
  const owned = async (hostId = 'host-a'): Promise<OwnedSession> => {
    const sessionId = `ses_${label}${++n}`;
    await aws.doc.send(
      new PutCommand({
        TableName: aws.tables.sessions,
        Item: {
          sessionId,
          tenantId: 'acme',
          ownerHostId: hostId,
          epoch: 0,
          desired: 'RUNNING',
          status: 'STARTING',
        },
      }),
    );
    const fence = await ownership.claim(sessionId, hostId, 'inc-1', 0);
    if (!fence) throw new Error('claim failed');
    return { sessionId, fence, prefix: `auth/acme/${sessionId}/` };
  };
  const open = (s: OwnedSession, over: Partial<Parameters<typeof S3AuthState.open>[0]> = {}) =>
    S3AuthState.open({
      s3: aws.s3,
      bucket: aws.bucket,
      prefix: s.prefix,
      sessionId: s.sessionId,
      pointers: ownership as AuthPointerStore,
      fence: s.fence,
      onFenced: () => undefined,
      ...over,
    });
  return { aws, ownership, owned, open };
}

/** A pre-key batch the size Baileys uploads at link (ids first..first+count-1). */
export function preKeyBatch(
  first: number,
  count: number,
): Record<string, { public: Buffer; private: Buffer }> {
  const out: Record<string, { public: Buffer; private: Buffer }> = {};
  for (let id = first; id < first + count; id++) {
    out[String(id)] = { public: Buffer.alloc(32, id % 256), private: Buffer.alloc(32, (id * 7) % 256) };
  }
  return out;
}
