import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { AuthPointer, AuthPointerStore } from '#commons/domain/fence.ts';
import { S3AuthState } from '../../session-host/src/auth-state/s3-auth-state.ts';

/** An S3 that stores puts, lists them, and refuses to delete any of them (DeleteObjects answers per-key Errors). */
function refusingS3(): S3Client {
  const keys = new Set<string>();
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    if (name === 'PutObjectCommand') {
      keys.add(command.input.Key as string);
      return {};
    }
    if (name === 'ListObjectsV2Command') return { Contents: [...keys].map((Key) => ({ Key })) };
    if (name === 'ListObjectVersionsCommand')
      throw Object.assign(new Error('not implemented'), { $metadata: { httpStatusCode: 501 } });
    if (name === 'DeleteObjectsCommand') {
      const objects = (command.input.Delete as { Objects: { Key: string }[] }).Objects;
      return { Errors: objects.map((o) => ({ Key: o.Key, Code: 'AccessDenied' })) };
    }
    throw new Error(`unexpected ${name}`);
  };
  return { send } as unknown as S3Client;
}

function memoryPointers(): AuthPointerStore {
  let pointer: AuthPointer | undefined;
  return {
    load: async () => pointer,
    commit: async (_id, _fence, _previous, next) => {
      pointer = next;
    },
    clear: async () => {
      pointer = undefined;
    },
  };
}

describe('the host’s auth-state wipe', () => {
  it('fails when S3 refuses to delete objects instead of reporting the wipe done', async () => {
    const auth = await S3AuthState.open({
      s3: refusingS3(),
      bucket: 'b',
      prefix: 'auth/t/s/',
      sessionId: 's',
      pointers: memoryPointers(),
      fence: { hostId: 'h', epoch: 1 },
      onFenced: () => undefined,
    });
    await expect(auth.wipe()).rejects.toThrow(/could not delete 1 auth objects/);
  });
});
