import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import {
  type GroupInfo,
  type ParticipantResult,
  participantJid,
  participantOutcome,
} from '#commons/domain/groups.ts';
import { whatsAppRefusal } from './group-errors.ts';
import { SocketGroups } from './socket-groups.ts';

export function groupInfo(metadata: GroupMetadata): GroupInfo {
  return {
    jid: metadata.id,
    subject: metadata.subject,
    addressingMode: metadata.addressingMode === 'lid' ? 'lid' : 'pn',
    ...(metadata.owner && { owner: metadata.owner }),
    ...(metadata.creation && { creation: metadata.creation }),
    size: metadata.size ?? metadata.participants.length,
    participants: metadata.participants.map((p) => ({
      jid: p.id,
      ...(p.phoneNumber && { phoneNumberJid: p.phoneNumber }),
      ...(p.lid && { lid: p.lid }),
      ...(p.admin && { role: p.admin }),
    })),
  };
}

/** Runs a Baileys group call; WhatsApp's refusals become GroupOperationError, anything else is rethrown. */
async function refusing<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw whatsAppRefusal(err) ?? err;
  }
}

export async function listGroups(sock: WASocket): Promise<GroupInfo[]> {
  const all = await refusing(() => sock.groupFetchAllParticipating());
  const cache = SocketGroups.of(sock)?.cache;
  for (const metadata of Object.values(all)) cache?.set(metadata);
  return Object.values(all).map(groupInfo);
}

/** From the session's metadata cache when fresh (participant notifications invalidate it). */
export async function readGroup(sock: WASocket, jid: string): Promise<GroupInfo> {
  const cache = SocketGroups.of(sock)?.cache;
  const metadata = await refusing(async () => (await cache?.get(jid)) ?? sock.groupMetadata(jid));
  return groupInfo(metadata);
}

export async function createGroup(
  sock: WASocket,
  subject: string,
  participants: string[],
): Promise<GroupInfo> {
  const metadata = await refusing(() => sock.groupCreate(subject, participants.map(participantJid)));
  SocketGroups.of(sock)?.cache.set(metadata);
  return groupInfo(metadata);
}

/**
 * Adds or removes participants (admins only: WhatsApp answers 403 otherwise).
 * After a removal our sender key is rotated before this returns, so no later
 * send can use a key the removed member holds.
 */
export async function changeParticipants(
  sock: WASocket,
  jid: string,
  action: 'add' | 'remove',
  participants: string[],
): Promise<ParticipantResult[]> {
  const results = await refusing(() =>
    sock.groupParticipantsUpdate(jid, participants.map(participantJid), action),
  );
  const mapped = results.map((r) => ({
    jid: r.jid ?? '',
    code: r.status,
    outcome: participantOutcome(r.status),
  }));
  const changed = mapped.some((r) => r.outcome === 'done');
  // A failed rotation is surfaced by SocketGroups (session:error, metric) and leaves the group flagged: its next send rotates inside its own transaction.
  if (changed)
    await SocketGroups.of(sock)
      ?.membershipChanged(jid, action === 'remove')
      .catch(() => undefined);
  return mapped;
}

export async function leaveGroup(sock: WASocket, jid: string): Promise<void> {
  await refusing(() => sock.groupLeave(jid));
  await SocketGroups.of(sock)
    ?.membershipChanged(jid, true)
    .catch(() => undefined);
}
