import type { proto } from '@whiskeysockets/baileys';
import { replaceConnection } from './close-paths.ts';
import type { FakeConnection } from './connection.ts';
import { deliverOfflineQueue } from './contact-messaging.ts';
import type { FakeContext } from './context.ts';
import { sendHistorySync } from './history-sync.ts';
import { lidJid, pnJid } from './jids.ts';
import { beginRegistration } from './pairing.ts';

function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** The Noise handshake finished: either a registration (QR flow) or a login with saved creds. */
export async function onClientPayload(
  ctx: FakeContext,
  connection: FakeConnection,
  clientStatic: Buffer,
  payload: proto.ClientPayload,
): Promise<void> {
  if (payload.devicePairingData) {
    beginRegistration(ctx, connection, clientStatic, payload.devicePairingData);
    return;
  }
  const pn = String(payload.username ?? '');
  const device = payload.device ?? 0;
  const jid = pnJid(pn, device);
  const companion = ctx.world.userByPn(pn)?.companions.get(device);
  const failure = ctx.loginFailures.get(jid);
  if (failure !== undefined) {
    ctx.loginFailures.delete(jid);
    connection.sendFatal({ tag: 'failure', attrs: { reason: String(failure) } });
    return;
  }
  if (!companion || companion.removed || !companion.noiseKey.equals(clientStatic)) {
    connection.sendFatal({ tag: 'failure', attrs: { reason: '401' } });
    return;
  }
  const previous = companion.connection;
  if (previous && previous !== connection) replaceConnection(previous);
  companion.connection = connection;
  connection.companion = companion;
  const firstLogin = companion.logins === 0;
  companion.logins += 1;
  connection.send({
    tag: 'success',
    attrs: { t: unixNow(), lid: lidJid(companion.user.lid, device), props: '1', creation: unixNow() },
  });
  const delivered = await deliverOfflineQueue(ctx, companion);
  connection.send({
    tag: 'ib',
    attrs: {},
    content: [{ tag: 'offline', attrs: { count: String(delivered) } }],
  });
  ctx.events.emit('login', jid);
  if (firstLogin && ctx.options.historySyncOnFirstLogin) {
    sendHistorySync(ctx, companion.user.pn, {});
  }
}
