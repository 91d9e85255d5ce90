/**
 * A rotation that cannot be written after a removal made through the API is
 * surfaced like one after a notification: `session:error`
 * SENDER_KEY_ROTATION_FAILED and the failure metric, whichever path ran it.
 */
import { EventEmitter } from 'node:events';
import type { SignalKeyStoreWithTransaction, WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '#commons/domain/events.ts';
import { attachGroupIntake } from '../../session-host/src/groups/group-intake.ts';
import { changeParticipants, leaveGroup } from '../../session-host/src/groups/group-operations.ts';
import { SocketGroups } from '../../session-host/src/groups/socket-groups.ts';
import { createHostMetrics } from '../../session-host/src/metrics.ts';
import { SessionEvents } from '../../session-host/src/runtime/session-events.ts';

const GROUP = '120363025246125888@g.us';
const REMOVED = '201651282282157@lid';

/** A socket whose WhatsApp calls succeed and whose key store refuses every write. */
function failingSocket(): WASocket {
  const keys: SignalKeyStoreWithTransaction = {
    get: async () => ({}),
    set: async () => {
      throw new Error('storage down');
    },
    transaction: async (work) => work(),
    isInTransaction: () => false,
  };
  return {
    authState: { creds: { me: { id: '4915100000001:3@s.whatsapp.net' } }, keys },
    ev: new EventEmitter(),
    groupMetadata: async () => ({ id: GROUP, subject: 's', participants: [] }),
    groupParticipantsUpdate: async (_jid: string, jids: string[]) =>
      jids.map((jid) => ({ jid, status: '200' })),
    groupLeave: async () => undefined,
  } as unknown as WASocket;
}

function wired() {
  const sock = new SocketGroups(async () => undefined).bind(failingSocket());
  const published: NewEvent[] = [];
  const events = new SessionEvents('acme', 'ses_1', {
    push: async (event) => {
      published.push(event);
      return { ...event, seq: published.length, eventId: `e${published.length}`, at: 0 } as never;
    },
  });
  const metrics = createHostMetrics();
  attachGroupIntake(sock, { sessionId: 'ses_1', events, logger: pino({ level: 'silent' }), metrics });
  const errors = () =>
    published.filter((e) => e.type === 'session:error').map((e) => (e.data as { code: string }).code);
  return { sock, metrics, errors };
}

describe('a sender-key rotation that fails after our own change', () => {
  it('after a removal through the API: session:error SENDER_KEY_ROTATION_FAILED and the metric', async () => {
    const { sock, metrics, errors } = wired();

    const results = await changeParticipants(sock, GROUP, 'remove', [REMOVED]);

    expect(results).toEqual([{ jid: REMOVED, code: '200', outcome: 'done' }]);
    expect(errors()).toEqual(['SENDER_KEY_ROTATION_FAILED']);
    expect(metrics.senderKeyRotationFailures.value).toBe(1);
  });

  it('after leaving through the API: the same', async () => {
    const { sock, metrics, errors } = wired();

    await leaveGroup(sock, GROUP);

    expect(errors()).toEqual(['SENDER_KEY_ROTATION_FAILED']);
    expect(metrics.senderKeyRotationFailures.value).toBe(1);
  });

  it('after a removal notification: surfaced once, not twice', async () => {
    const { sock, metrics, errors } = wired();

    sock.ev.emit('group-participants.update', {
      id: GROUP,
      author: REMOVED,
      participants: [{ id: REMOVED }],
      action: 'remove',
    });

    await expect.poll(() => errors()).toEqual(['SENDER_KEY_ROTATION_FAILED']);
    expect(metrics.senderKeyRotationFailures.value).toBe(1);
  });
});
