import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys';
import { bundleKeyNodes, uintBE } from './bundle-nodes.ts';
import type { FakeConnection } from './connection.ts';
import type { FakeContext } from './context.ts';
import { groupHooks } from './groups.ts';
import { lidJid, parseUserJid, pnJid, SERVER_JID } from './jids.ts';
import { MEDIA_UPLOAD_LIMIT_BYTES } from './media-host.ts';
import { onLinkCodeStage } from './pairing-code.ts';
import type { PreKeyBundle } from './signal-peer.ts';
import { type Companion, companionJid, type FakeUser, takeCompanionBundle } from './world.ts';

function children(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

function bytes(node: BinaryNode | undefined): Buffer {
  return node?.content instanceof Uint8Array ? Buffer.from(node.content) : Buffer.alloc(0);
}

export function result(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { from: SERVER_JID, type: 'result', id: iq.attrs.id ?? '' }, content };
}

function badRequest(iq: BinaryNode): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: SERVER_JID, type: 'error', id: iq.attrs.id ?? '' },
    content: [{ tag: 'error', attrs: { code: '400', text: 'bad-request' } }],
  };
}

const PRIVACY_DEFAULTS: BinaryNode = {
  tag: 'privacy',
  attrs: {},
  content: [{ tag: 'category', attrs: { name: 'readreceipts', value: 'all' } }],
};

/** Answers an IQ from a client; anything the fake does not model gets an empty result. */
export async function onClientIq(
  ctx: FakeContext,
  connection: FakeConnection,
  iq: BinaryNode,
): Promise<void> {
  const first = children(iq)[0];
  const companion = connection.companion;
  const answered = iq.attrs.xmlns !== 'w:p' || connection.answerPings;
  ctx.events.emit(
    'iq',
    companion ? companionJid(companion) : undefined,
    iq.attrs.xmlns ?? '',
    first?.tag ?? '',
    answered,
  );
  const delayMs = ctx.iqDelays.get(`${iq.attrs.xmlns ?? ''} ${first?.tag ?? ''}`);
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  switch (iq.attrs.xmlns) {
    case 'w:p':
      if (connection.answerPings) connection.send(result(iq));
      return;
    case 'encrypt':
      if (first?.tag === 'count') {
        connection.send(
          result(iq, [{ tag: 'count', attrs: { value: String(companion?.preKeys.size ?? 0) } }]),
        );
      } else if (first?.tag === 'digest') {
        connection.send(result(iq, [{ tag: 'digest', attrs: {} }]));
      } else if (first?.tag === 'key') {
        connection.send(result(iq, [{ tag: 'list', attrs: {}, content: fetchBundles(ctx, first) }]));
      } else {
        if (companion) storeUploadedKeys(companion, iq);
        connection.send(result(iq));
      }
      return;
    case 'usync':
      connection.send(result(iq, [answerUsync(ctx, first)]));
      return;
    case 'md':
      if (first?.tag === 'remove-companion-device') {
        const removed = ctx.world.findCompanion(first.attrs.jid ?? '');
        if (removed) removed.removed = true;
      } else if (first?.tag === 'link_code_companion_reg') {
        connection.send(await onLinkCodeStage(ctx, connection, iq, first).catch(() => badRequest(iq)));
        return;
      }
      connection.send(result(iq));
      return;
    case 'w:m':
      if (first?.tag === 'media_conn') {
        connection.send(result(iq, [mediaConnNode(ctx)]));
        return;
      }
      connection.send(result(iq));
      return;
    case 'w:g2':
      connection.send(groupHooks.iq(ctx, connection, iq));
      return;
    case 'w:sync:app:state':
      connection.send(result(iq, [answerAppStateSync(first)]));
      return;
    case 'privacy':
      // WhatsApp's default: read receipts on, so Baileys' readMessages sends type=read (else read-self).
      if (iq.attrs.type === 'get') {
        connection.send(result(iq, [PRIVACY_DEFAULTS]));
        return;
      }
      connection.send(result(iq));
      return;
    default:
      connection.send(result(iq));
  }
}

function storeUploadedKeys(companion: Companion, iq: BinaryNode): void {
  for (const key of getBinaryNodeChildren(getBinaryNodeChild(iq, 'list'), 'key')) {
    const id = bytes(getBinaryNodeChild(key, 'id'));
    companion.preKeys.set(id.readUIntBE(0, id.length), bytes(getBinaryNodeChild(key, 'value')));
  }
  const skey = getBinaryNodeChild(iq, 'skey');
  if (skey) {
    const id = bytes(getBinaryNodeChild(skey, 'id'));
    companion.signedPreKey = {
      keyId: id.readUIntBE(0, id.length),
      publicKey: bytes(getBinaryNodeChild(skey, 'value')),
      signature: bytes(getBinaryNodeChild(skey, 'signature')),
    };
  }
}

function bundleNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: uintBE(bundle.registrationId, 4) },
    ...bundleKeyNodes(bundle),
  ];
  return { tag: 'user', attrs: { jid }, content };
}

/** `<key><user jid=…/>` — Baileys asks by LID; device 0 is the simulated phone, others are companions. */
function fetchBundles(ctx: FakeContext, keyNode: BinaryNode): BinaryNode[] {
  const nodes: BinaryNode[] = [];
  for (const user of getBinaryNodeChildren(keyNode, 'user')) {
    const jid = user.attrs.jid ?? '';
    const address = parseUserJid(jid);
    const owner = address ? ctx.world.userAt(address) : undefined;
    if (!address || !owner) continue;
    if (address.device === 0) {
      nodes.push(bundleNode(jid, owner.primary.issueBundle()));
    } else {
      const companion = owner.companions.get(address.device);
      if (companion && !companion.removed) nodes.push(bundleNode(jid, takeCompanionBundle(companion)));
    }
  }
  return nodes;
}

function deviceListNode(user: FakeUser): BinaryNode {
  const devices: BinaryNode[] = [{ tag: 'device', attrs: { id: '0' } }];
  for (const companion of user.companions.values()) {
    if (companion.removed) continue;
    devices.push({
      tag: 'device',
      attrs: { id: String(companion.device), 'key-index': String(companion.keyIndex) },
    });
  }
  return { tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devices }] };
}

function answerUsync(ctx: FakeContext, usync: BinaryNode | undefined): BinaryNode {
  const protocols = children(getBinaryNodeChild(usync, 'query')).map((p) => p.tag);
  const users: BinaryNode[] = [];
  for (const userNode of getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user')) {
    const phone = getBinaryNodeChild(userNode, 'contact')?.content;
    const requested = userNode.attrs.jid ?? (phone ? String(phone).replace(/^\+/, '') : '');
    const user = ctx.world.findUser(requested.split(':')[0] ?? requested);
    const jid = userNode.attrs.jid ?? (user ? pnJid(user.pn) : `${requested}@s.whatsapp.net`);
    const content: BinaryNode[] = [];
    for (const protocol of protocols) {
      if (protocol === 'devices') {
        content.push(
          user
            ? deviceListNode(user)
            : { tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {} }] },
        );
      } else if (protocol === 'lid' && user) {
        content.push({ tag: 'lid', attrs: { val: lidJid(user.lid) } });
      } else if (protocol === 'contact') {
        content.push({ tag: 'contact', attrs: { type: user ? 'in' : 'out' } });
      }
    }
    users.push({ tag: 'user', attrs: { jid }, content });
  }
  return {
    tag: 'usync',
    attrs: { ...(usync?.attrs ?? {}) },
    content: [{ tag: 'list', attrs: {}, content: users }],
  };
}

/** No app-state patches exist on the fake: every requested collection is echoed at its version. */
function answerAppStateSync(sync: BinaryNode | undefined): BinaryNode {
  return {
    tag: 'sync',
    attrs: {},
    content: getBinaryNodeChildren(sync, 'collection').map((collection) => ({
      tag: 'collection',
      attrs: { name: collection.attrs.name ?? '', version: collection.attrs.version ?? '0' },
    })),
  };
}

/** Where clients upload media: the fake's own HTTPS host, with its upload token. */
function mediaConnNode(ctx: FakeContext): BinaryNode {
  return {
    tag: 'media_conn',
    attrs: { auth: ctx.media.auth, ttl: '300', auth_ttl: '21600', max_buckets: '12' },
    content: [
      {
        tag: 'host',
        attrs: { hostname: ctx.media.hostname, maxContentLengthBytes: String(MEDIA_UPLOAD_LIMIT_BYTES) },
      },
    ],
  };
}
