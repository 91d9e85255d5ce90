import type { BinaryNode } from '@whiskeysockets/baileys';
import type { FakeConnection } from './connection.ts';
import type { FakeContext } from './context.ts';
import { SERVER_JID } from './jids.ts';

export async function onLinkCodeStage(
  _ctx: FakeContext,
  _connection: FakeConnection,
  iq: BinaryNode,
  _stage: BinaryNode,
): Promise<BinaryNode> {
  return { tag: 'iq', attrs: { from: SERVER_JID, type: 'result', id: iq.attrs.id ?? '' } };
}
