import { deflateSync } from 'node:zlib';
import { proto } from '@whiskeysockets/baileys';
import { sendFromUser } from './contact-messaging.ts';
import type { FakeContext } from './context.ts';
import { pnJid } from './jids.ts';

export interface HistoryMessage {
  /** Phone number of the contact the chat is with. */
  chatWith: string;
  text: string;
  fromMe?: boolean;
  id?: string;
  timestamp?: number;
}

export interface HistorySyncContent {
  messages?: HistoryMessage[];
}

/**
 * The phone pushes an INITIAL_BOOTSTRAP history sync inline (deflated `HistorySync` inside a
 * `protocolMessage`), as WhatsApp does right after a companion links.
 */
export function sendHistorySync(ctx: FakeContext, accountPn: string, content: HistorySyncContent): string {
  const phone = ctx.world.userByPn(accountPn);
  if (!phone) throw new Error(`unknown account ${accountPn}`);
  const now = Math.floor(Date.now() / 1000);
  const byChat = new Map<string, proto.IHistorySyncMsg[]>();
  for (const [index, item] of (content.messages ?? []).entries()) {
    const chat = pnJid(item.chatWith);
    const list = byChat.get(chat) ?? [];
    list.push({
      message: {
        key: { remoteJid: chat, fromMe: item.fromMe ?? false, id: item.id ?? `HIST${now}${index}` },
        message: { conversation: item.text },
        messageTimestamp: item.timestamp ?? now - 60 + index,
      },
      msgOrderId: index + 1,
    });
    byChat.set(chat, list);
  }
  const history = proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    conversations: [...byChat].map(([id, messages]) => ({ id, messages, name: undefined })),
    progress: 100,
  }).finish();
  return sendFromUser(
    ctx,
    phone,
    phone,
    {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: {
          syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
          initialHistBootstrapInlinePayload: deflateSync(history),
          progress: 100,
          chunkOrder: 0,
        },
      },
    },
    { category: 'peer' },
  );
}
