import { Curve, makeNoiseHandler, NOISE_WA_HEADER, proto, WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { verify } from '../support/fake-whatsapp/xeddsa.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

/** Runs the client half of the handshake up to the server's cert chain, with Baileys' own noise handler. */
async function fetchServerHello(url: string) {
  const ws = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const ephemeral = Curve.generateKeyPair();
    const noise = makeNoiseHandler({
      keyPair: ephemeral,
      NOISE_HEADER: NOISE_WA_HEADER,
      logger: pino({ level: 'silent' }),
      routingInfo: undefined,
    });
    const reply = new Promise<Uint8Array>((resolve) => {
      ws.once('message', (data: Buffer) => {
        void noise.decodeFrame(data, (frame) => resolve(frame as Uint8Array));
      });
    });
    ws.send(
      noise.encodeFrame(
        proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish(),
      ),
    );
    const serverHello = proto.HandshakeMessage.decode(await reply).serverHello!;
    noise.authenticate(serverHello.ephemeral!);
    noise.mixIntoKey(Curve.sharedKey(ephemeral.private, serverHello.ephemeral!));
    const serverStatic = noise.decrypt(serverHello.static!);
    noise.mixIntoKey(Curve.sharedKey(ephemeral.private, serverStatic));
    const chain = proto.CertChain.decode(noise.decrypt(serverHello.payload!));
    return { serverStatic: Buffer.from(serverStatic), chain };
  } finally {
    ws.terminate();
  }
}

describe('fake WhatsApp transport', () => {
  it('proves its static key with a cert chain signed by the root pinned in Baileys', async () => {
    const fake = await resources.fake();
    const { serverStatic, chain } = await fetchServerHello(fake.url);

    const intermediate = proto.CertChain.NoiseCertificate.Details.decode(chain.intermediate!.details!);
    const leaf = proto.CertChain.NoiseCertificate.Details.decode(chain.leaf!.details!);
    expect(WA_CERT_DETAILS.PUBLIC_KEY.equals(fake.caPublicKey)).toBe(true);
    expect(intermediate.issuerSerial).toBe(WA_CERT_DETAILS.SERIAL);
    expect(
      verify(WA_CERT_DETAILS.PUBLIC_KEY, chain.intermediate!.details!, chain.intermediate!.signature!),
    ).toBe(true);
    expect(verify(intermediate.key!, chain.leaf!.details!, chain.leaf!.signature!)).toBe(true);
    expect(Buffer.from(leaf.key!).equals(serverStatic)).toBe(true);
  });

  it('completes the Noise XX handshake with a real Baileys socket and starts registration', async () => {
    const fake = await resources.fake();
    const client = resources.client(connectBaileys({ url: fake.url }));

    const qr = await client.qrs.waitFor();

    // the QR only exists after the fake decrypted the ClientPayload and Baileys decrypted pair-device
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);
    expect(fake.connections()).toEqual([expect.objectContaining({ pairing: true, jid: undefined })]);
  });
});
