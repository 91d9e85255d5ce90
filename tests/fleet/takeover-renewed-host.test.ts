/**
 * A takeover lands only while the dead host's row is as it was judged: a host
 * back from a lease gap (a stalled event loop, a slow heartbeat) renewed its
 * row, resumes the sockets it kept open, and a peer's late verdict must not
 * give its sessions a second owner. The real adapters on DynamoDB Local.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import { DynamoDbHostRegistry } from '#commons/storage/dynamodb-host-registry.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
let ownership: DynamoDbSessionOwnership;
beforeAll(async () => {
  aws = await createTestAws('renewed');
  ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
});
afterAll(() => aws?.destroy());

let n = 0;
async function sessionOn(ownerHostId: string, epoch = 4): Promise<string> {
  const sessionId = `ses_renewed${++n}`;
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: { sessionId, tenantId: 'acme', ownerHostId, epoch, desired: 'RUNNING', status: 'CONNECTED' },
    }),
  );
  return sessionId;
}

async function registered(hostId: string) {
  const registry = new DynamoDbHostRegistry(aws.doc, aws.tables.hosts, 10_000);
  const host = { hostId, incarnation: `${hostId}#1`, endpoint: `http://${hostId}`, capacity: 10 };
  await registry.register(host, 1);
  const version = (await registry.all()).find((r) => r.hostId === hostId)?.heartbeatVersion;
  return { registry, host, version: version as number };
}

describe('a takeover of a dead host’s session', () => {
  it('lands while the dead host’s row has the heartbeat version it was judged by', async () => {
    const dead = await registered('host-still');
    const sessionId = await sessionOn('host-still');
    expect(
      await ownership.takeover(
        sessionId,
        { hostId: 'host-still', heartbeatVersion: dead.version },
        4,
        'peer',
      ),
    ).toBe(true);
    expect(await ownership.get(sessionId)).toMatchObject({ ownerHostId: 'peer', epoch: 5 });
  });

  it('is refused, changing nothing, once the judged host renewed its lease', async () => {
    const back = await registered('host-back');
    const sessionId = await sessionOn('host-back');
    expect(await back.registry.heartbeat(back.host, 1, false)).toBe(true);
    expect(
      await ownership.takeover(sessionId, { hostId: 'host-back', heartbeatVersion: back.version }, 4, 'peer'),
    ).toBe(false);
    expect(await ownership.get(sessionId)).toMatchObject({ ownerHostId: 'host-back', epoch: 4 });
  });

  it('judged without a row: lands while there is still none, refused once the host registered again', async () => {
    const gone = await sessionOn('host-rowless');
    expect(await ownership.takeover(gone, { hostId: 'host-rowless' }, 4, 'peer')).toBe(true);
    const returned = await sessionOn('host-returned');
    await registered('host-returned');
    expect(await ownership.takeover(returned, { hostId: 'host-returned' }, 4, 'peer')).toBe(false);
    expect(await ownership.get(returned)).toMatchObject({ ownerHostId: 'host-returned', epoch: 4 });
  });

  it('of a session parked on the unassigned owner needs no row, and still checks owner and epoch', async () => {
    const parked = await sessionOn(UNASSIGNED_HOST, 2);
    expect(await ownership.takeover(parked, { hostId: UNASSIGNED_HOST }, 1, 'peer')).toBe(false);
    expect(await ownership.takeover(parked, { hostId: UNASSIGNED_HOST }, 2, 'peer')).toBe(true);
    expect(await ownership.get(parked)).toMatchObject({ ownerHostId: 'peer', epoch: 3 });
  });
});
