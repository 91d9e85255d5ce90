import { BufferJSON } from '@whiskeysockets/baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import type { SerializedSenderKey } from './groups-model.ts';
import { padRandomMax16, unpadRandomMax16 } from './signal-peer.ts';

/** The key a member's own sender key is kept under in its store. */
export const OWN_SENDER_KEY = 'own';

/**
 * A member's sender-key store: records kept as BufferJSON strings (as Baileys keeps them), so a
 * copy of the map is a snapshot that later messages do not mutate.
 */
function storeOver(records: Map<string, SerializedSenderKey>) {
  return {
    async loadSenderKey(name: SenderKeyName): Promise<SenderKeyRecord> {
      const stored = records.get(name.getSender().id);
      return stored ? SenderKeyRecord.deserialize(Buffer.from(stored)) : new SenderKeyRecord();
    },
    async storeSenderKey(name: SenderKeyName, record: SenderKeyRecord): Promise<void> {
      records.set(name.getSender().id, JSON.stringify(record.serialize(), BufferJSON.replacer));
    },
  };
}

function keyName(group: string, sender: string): SenderKeyName {
  return new SenderKeyName(group, { id: sender, deviceId: 0, toString: () => sender });
}

/** Stores the sender key an SKDM carries, under the sending device. */
export async function processDistribution(
  records: Map<string, SerializedSenderKey>,
  group: string,
  senderDevice: string,
  skdm: Uint8Array,
): Promise<void> {
  const message = new SenderKeyDistributionMessage(null, null, null, null, skdm);
  await new GroupSessionBuilder(storeOver(records)).process(keyName(group, senderDevice), message);
}

/** Decrypts and unpads an skmsg from `senderDevice`; throws without a matching sender key. */
export async function decryptGroup(
  records: Map<string, SerializedSenderKey>,
  group: string,
  senderDevice: string,
  skmsg: Uint8Array,
): Promise<Buffer> {
  if (!records.has(senderDevice)) throw new Error(`no sender key from ${senderDevice}`);
  const plaintext = await new GroupCipher(storeOver(records), keyName(group, senderDevice)).decrypt(skmsg);
  return unpadRandomMax16(plaintext);
}

/** The member's own SKDM (its sender key is created on first use) and the skmsg of `message`. */
export async function encryptGroup(
  records: Map<string, SerializedSenderKey>,
  group: string,
  message: Uint8Array,
): Promise<{ skdm: Uint8Array; skmsg: Uint8Array }> {
  const store = storeOver(records);
  const name = keyName(group, OWN_SENDER_KEY);
  const skdm = await new GroupSessionBuilder(store).create(name);
  const skmsg = await new GroupCipher(store, name).encrypt(padRandomMax16(message));
  return { skdm: skdm.serialize(), skmsg };
}
