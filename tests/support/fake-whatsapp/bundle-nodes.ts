import type { BinaryNode } from '@whiskeysockets/baileys';
import type { PreKeyBundle } from './signal-peer.ts';

export function uintBE(value: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
}

/**
 * A pre-key bundle's keys as WhatsApp nodes carry them: `type`, `identity`,
 * `skey` and, when there is one, `key`. The same children go in a key fetch's
 * `<user>` and in a retry receipt's `<keys>`.
 */
export function bundleKeyNodes(bundle: PreKeyBundle): BinaryNode[] {
  const nodes: BinaryNode[] = [
    { tag: 'type', attrs: {}, content: Buffer.from([5]) },
    { tag: 'identity', attrs: {}, content: bundle.identityKey },
    {
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: uintBE(bundle.signedPreKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: bundle.signedPreKey.publicKey },
        { tag: 'signature', attrs: {}, content: bundle.signedPreKey.signature },
      ],
    },
  ];
  if (bundle.preKey) {
    nodes.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: uintBE(bundle.preKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: bundle.preKey.publicKey },
      ],
    });
  }
  return nodes;
}
