import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import { type BaileysClient, connectBaileys, type MemoryAuthState } from './baileys-client.ts';
import type { LinkedDevice } from './pairing.ts';
import type { FakeWhatsApp } from './server.ts';

export class LinkError extends Error {}

export interface LinkedAuth {
  auth: MemoryAuthState;
  device: LinkedDevice;
}

/**
 * The whole QR flow with a real Baileys socket: wait for the QR, scan it on `phone`'s behalf,
 * expect the 515 restart, and hand back the saved auth state (the socket is ended).
 */
export async function linkNewDevice(
  fake: FakeWhatsApp,
  options: { phone?: string; config?: Partial<UserFacingSocketConfig> } = {},
): Promise<LinkedAuth> {
  const client = connectBaileys({ url: fake.url, ...(options.config ? { config: options.config } : {}) });
  try {
    const qr = await client.qrs.waitFor(() => true, 15_000, 'qr');
    const device = await fake.scanQr(qr, options.phone ? { phone: options.phone } : {});
    const closed = await client.waitForClose();
    if (closed.statusCode !== 515)
      throw new LinkError(`expected 515 after pairing, got ${closed.statusCode}`);
    return { auth: client.auth, device };
  } finally {
    client.end();
  }
}

/** Links a new device and reconnects it with the saved creds; resolves once Baileys is `open`. */
export async function linkAndConnect(
  fake: FakeWhatsApp,
  options: { phone?: string; config?: Partial<UserFacingSocketConfig> } = {},
): Promise<{ client: BaileysClient; device: LinkedDevice }> {
  const { auth, device } = await linkNewDevice(fake, options);
  const client = connectBaileys({
    url: fake.url,
    auth,
    ...(options.config ? { config: options.config } : {}),
  });
  try {
    await client.waitForOpen();
  } catch (err) {
    client.end();
    throw err;
  }
  return { client, device };
}
