import {
  addTransactionCapability,
  type GroupMetadata,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type WASocket,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SocketGroups } from '../../session-host/src/groups/socket-groups.ts';

const GROUP = '120363025246125888@g.us';
const ME = { id: '4915100000001:3@s.whatsapp.net', lid: '201651282282156:3@lid' };
/** Where Baileys keeps our sender key of GROUP under each of our names (libsignal.js: user[_domain]::device). */
const OUR_KEYS = [`${GROUP}::4915100000001::3`, `${GROUP}::201651282282156_1::3`];

/** A key store over a Map, behind Baileys' own transaction layer; `failWrites` makes commits throw. */
function store() {
  const data = new Map<string, unknown>();
  let failWrites = 0;
  const raw: SignalKeyStore = {
    async get(type, ids) {
      const out: Record<string, unknown> = {};
      for (const id of ids) if (data.has(`${type}/${id}`)) out[id] = data.get(`${type}/${id}`);
      return out as { [id: string]: SignalDataTypeMap[typeof type] };
    },
    async set(writes) {
      if (failWrites > 0) {
        failWrites -= 1;
        throw new Error('storage down');
      }
      for (const [type, entries] of Object.entries(writes)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) data.delete(`${type}/${id}`);
          else data.set(`${type}/${id}`, value);
        }
      }
    },
  };
  const keys = addTransactionCapability(raw, pino({ level: 'silent' }), {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 0,
  });
  for (const id of OUR_KEYS) data.set(`sender-key/${id}`, Buffer.from('old key'));
  data.set(`sender-key-memory/${GROUP}`, { '201651282282157:0@lid': true });
  return {
    data,
    keys,
    failNext: (n: number) => {
      failWrites = n;
    },
  };
}

function socketOver(keys: ReturnType<typeof store>['keys']): WASocket {
  const metadata = {
    id: GROUP,
    subject: 's',
    participants: [],
    addressingMode: 'lid',
  } as unknown as GroupMetadata;
  return {
    authState: { creds: { me: ME }, keys },
    groupMetadata: async () => metadata,
  } as unknown as WASocket;
}

/** What Baileys' relayMessage does first, in its transaction under our JID. */
function relayReads(groups: SocketGroups, keys: ReturnType<typeof store>['keys']) {
  return keys.transaction(async () => {
    const [, memory] = await Promise.all([
      groups.metadataForSend(GROUP),
      keys.get('sender-key-memory', [GROUP]),
    ]);
    const senderKeys = await keys.get('sender-key', OUR_KEYS);
    return { memory, senderKeys };
  }, ME.id);
}

describe('sender-key rotation', () => {
  it('after a removal drops our key under both our names and the group’s memory, in the store', async () => {
    const { data, keys } = store();
    const groups = new SocketGroups(async () => undefined);
    groups.bind(socketOver(keys));

    await groups.membershipChanged(GROUP, true);

    expect([...data.keys()]).toEqual([]);
  });

  it('leaves the keys alone when members were only added or promoted', async () => {
    const { data, keys } = store();
    const groups = new SocketGroups(async () => undefined);
    groups.bind(socketOver(keys));

    await groups.membershipChanged(GROUP, false);
    const reads = await relayReads(groups, keys);

    expect(data.size).toBe(3);
    expect(Object.keys(reads.senderKeys)).toHaveLength(2);
  });

  it('when the rotation could not be written, the next send rotates inside its own transaction', async () => {
    const { data, keys, failNext } = store();
    const groups = new SocketGroups(async () => undefined);
    groups.bind(socketOver(keys));
    failNext(3);

    await expect(groups.membershipChanged(GROUP, true)).rejects.toThrow('could not be rotated');
    expect(data.size).toBe(3);
    const reads = await relayReads(groups, keys);

    // The send sees no memory (so it distributes a new key to everyone) and no old key (so it makes one).
    expect(reads.memory).toEqual({});
    expect(reads.senderKeys).toEqual({});
    expect([...data.keys()]).toEqual([]);
  });
});
