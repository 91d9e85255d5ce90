import type { BinaryNode } from '@whiskeysockets/baileys';
import type { FakeConnection } from './connection.ts';
import type { FakeContext } from './context.ts';
import { companionJid } from './world.ts';

/** A `<chatstate>` (typing, recording, paused in a chat) or `<presence>` (available/unavailable) a client sent. */
export interface ClientPresence {
  /** The companion that sent it. */
  readonly from: string;
  /** The chat of a chatstate; undefined for an account presence. */
  readonly to: string | undefined;
  /** `composing`, `recording` (composing with media=audio), `paused`, `available`, `unavailable`. */
  readonly state: string;
}

const presences = new WeakMap<FakeContext, ClientPresence[]>();

export function presencesOf(ctx: FakeContext): ClientPresence[] {
  let list = presences.get(ctx);
  if (!list) {
    list = [];
    presences.set(ctx, list);
  }
  return list;
}

/** Records a chatstate or presence stanza; WhatsApp answers neither. */
export function onClientPresence(ctx: FakeContext, connection: FakeConnection, node: BinaryNode): void {
  const from = connection.companion ? companionJid(connection.companion) : '';
  if (node.tag === 'presence') {
    presencesOf(ctx).push({ from, to: undefined, state: node.attrs.type ?? 'available' });
    return;
  }
  const child = Array.isArray(node.content) ? node.content[0] : undefined;
  if (!child) return;
  const state = child.tag === 'composing' && child.attrs.media === 'audio' ? 'recording' : child.tag;
  presencesOf(ctx).push({ from, to: node.attrs.to, state });
}
