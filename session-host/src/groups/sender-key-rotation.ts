import { jidDecode, type SignalDataSet, type WASocket } from '@whiskeysockets/baileys';

/** The sender-key id Baileys stores our key of `group` under, for one of our JIDs (as libsignal.js names it). */
function senderKeyId(group: string, jid: string): string | undefined {
  const decoded = jidDecode(jid);
  if (!decoded?.user) return undefined;
  const user = decoded.domainType ? `${decoded.user}_${decoded.domainType}` : decoded.user;
  return `${group}::${user}::${decoded.device ?? 0}`;
}

/**
 * The key-store writes that rotate our sender key of `group`: our own key
 * (under our PN and our LID name) and the group's sender-key memory (who has
 * it) are deleted, so the next send makes a new key and distributes it to the
 * current members only. Baileys alone keeps the old key after a removal, which
 * the removed member can still read.
 */
export function rotationWrites(sock: WASocket, group: string): SignalDataSet | undefined {
  const me = sock.authState.creds.me;
  if (!me?.id) return undefined;
  const ids = [me.id, me.lid]
    .filter((jid): jid is string => Boolean(jid))
    .map((jid) => senderKeyId(group, jid))
    .filter((id): id is string => Boolean(id));
  return {
    'sender-key': Object.fromEntries(ids.map((id) => [id, null])),
    'sender-key-memory': { [group]: null },
  };
}

/**
 * Rotates as a key-store transaction under the lock Baileys' sends take (our
 * own JID), so a send is wholly before or wholly after it; the deletes go
 * through the session's key store and are journaled like any key update.
 */
export async function rotateSenderKey(sock: WASocket, group: string): Promise<void> {
  const writes = rotationWrites(sock, group);
  const me = sock.authState.creds.me?.id;
  if (!writes || !me) return;
  const keys = sock.authState.keys;
  await keys.transaction(async () => {
    await keys.set(writes);
  }, me);
}
