import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { newSessionId } from '#commons/domain/ids.ts';
import type { TestAws } from './aws.ts';

/** Writes a session as the API's start leaves it: desired RUNNING, assigned to `hostId`, epoch 0. */
export async function putAssignedSession(aws: TestAws, hostId: string, tenantId = 'acme'): Promise<string> {
  // A real session id, so the API's routes accept it too.
  const sessionId = newSessionId();
  const now = new Date().toISOString();
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: {
        sessionId,
        tenantId,
        createdAt: now,
        updatedAt: now,
        createdKey: `${now}#${sessionId}`,
        desired: 'RUNNING',
        status: 'STOPPED',
        ownerHostId: hostId,
        epoch: 0,
      },
    }),
  );
  return sessionId;
}
