import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EventData } from '#commons/domain/event-payloads.ts';
import { GroupReceiptTracker } from '#commons/domain/group-receipts.ts';
import type { SessionEvents } from '../runtime/session-events.ts';
import { participantsEvent } from './participant-stubs.ts';
import { type GroupMetrics, SocketGroups } from './socket-groups.ts';

export interface GroupIntake {
  readonly sessionId: string;
  readonly events: SessionEvents;
  readonly logger: Logger;
  readonly metrics: GroupMetrics;
}

type ReceiptUpdate = BaileysEventMap['message-receipt.update'][number];

/**
 * Group events of one socket: participant changes become
 * `session:group-participants` (and drop the cached metadata; a removal also
 * rotates our sender key), members' receipts become `session:message-status`
 * with every member's status so far.
 */
export function attachGroupIntake(sock: WASocket, intake: GroupIntake): void {
  const groups = SocketGroups.of(sock);
  groups?.observe(intake.metrics, (group, err) => {
    intake.logger.error({ err, sessionId: intake.sessionId, group }, 'sender key rotation failed');
    intake.events.publish('session:error', {
      code: err.code,
      message: `the sender key of ${group} could not be rotated on its own; each send to it rotates it`,
    });
  });
  const receipts = new GroupReceiptTracker();
  sock.ev.on('group-participants.update', (update) => {
    // A failed rotation was surfaced by observe's callback; the group stays flagged for its next send.
    groups?.membershipChanged(update.id, update.action === 'remove').catch(() => undefined);
  });
  sock.ev.on('groups.update', (updates) => {
    for (const update of updates) if (update.id) groups?.cache.invalidate(update.id);
  });
  sock.ev.on('messages.upsert', ({ messages }) => {
    for (const msg of messages) {
      const participants = participantsEvent(intake.sessionId, msg);
      if (participants) recordParticipants(intake, participants.data, participants.eventId);
      // A receipt that arrives while Baileys still buffers the upsert of our own message is folded into it.
      if (!msg.key.fromMe || !msg.key.remoteJid?.endsWith('@g.us')) continue;
      for (const receipt of msg.userReceipt ?? []) {
        const data = groupReceiptData(receipts, { key: msg.key, receipt });
        if (data) intake.events.publish('session:message-status', data);
      }
    }
  });
  sock.ev.on('message-receipt.update', (updates) => {
    for (const update of updates) {
      const data = groupReceiptData(receipts, update);
      if (data) intake.events.publish('session:message-status', data);
    }
  });
}

function groupReceiptData(
  receipts: GroupReceiptTracker,
  update: ReceiptUpdate,
): EventData<'session:message-status'> | undefined {
  const { key, receipt } = update;
  const group = key.remoteJid;
  if (!group?.endsWith('@g.us') || !key.id || !receipt.userJid) return undefined;
  const status = receipt.playedTimestamp ? 'PLAYED' : receipt.readTimestamp ? 'READ' : 'DELIVERED';
  const merged = receipts.record(group, key.id, receipt.userJid, status);
  return {
    id: key.id,
    chat: group,
    fromMe: Boolean(key.fromMe),
    status: merged.status,
    participant: receipt.userJid,
    participants: merged.participants,
  };
}

/** Recorded like a message (the event queue retries it within its bounds), under the notification's own id. */
function recordParticipants(
  intake: GroupIntake,
  data: EventData<'session:group-participants'>,
  eventId: string,
): void {
  intake.events.record('session:group-participants', data, eventId).catch((err: unknown) => {
    intake.logger.error({ err, sessionId: intake.sessionId, group: data.group }, 'group event not recorded');
  });
}
