import { execFile } from 'node:child_process';
import { createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { proto } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import type { BaileysClient } from '../support/fake-whatsapp/baileys-client.ts';
import { receivedMediaBytes } from '../support/fake-whatsapp/contact-media.ts';
import { startControlServer } from '../support/fake-whatsapp/control-http.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';
import {
  type FakeMediaKind,
  MEDIA_MAC_LENGTH,
  mediaKeys,
  uploadToken,
  verifyMediaFile,
} from '../support/fake-whatsapp/media-crypto.ts';
import type { FakeWhatsApp } from '../support/fake-whatsapp/server.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

async function setup() {
  const fake = await resources.fake();
  const contact = fake.createUser({ name: 'Alice' });
  // Uploads go through node:https with Baileys' fetchAgent: it must trust the fake's test CA.
  const fetchAgent = new Agent({ ca: [fake.media.caPem] });
  const { client, device } = await linkAndConnect(fake, { config: { fetchAgent } });
  resources.client(client);
  return { fake, contact, client, device };
}

interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** A GET or POST to the fake's media host, trusting only its test CA. */
async function media(
  fake: FakeWhatsApp,
  method: 'GET' | 'POST',
  path: string,
  body?: Buffer,
): Promise<HttpAnswer> {
  const req = request({
    host: '127.0.0.1',
    port: fake.media.port,
    method,
    path,
    ca: [fake.media.caPem],
    headers: body ? { 'content-length': body.length } : {},
  });
  req.end(body);
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, body: Buffer.concat(chunks) };
}

/** Downloads what the message points at and checks and decrypts it by hand (not with the fake's verifier). */
async function downloadByHand(fake: FakeWhatsApp, kind: FakeMediaKind, content: proto.Message.IImageMessage) {
  const { status, body: file } = await media(fake, 'GET', content.directPath!);
  expect(status).toBe(200);
  const { iv, cipherKey, macKey } = mediaKeys(content.mediaKey!, kind);
  const ciphertext = file.subarray(0, file.length - MEDIA_MAC_LENGTH);
  const mac = file.subarray(file.length - MEDIA_MAC_LENGTH);
  const expectedMac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest();
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return {
    file,
    plaintext,
    macOk: expectedMac.subarray(0, MEDIA_MAC_LENGTH).equals(mac),
    encHashOk: sha256(file).equals(Buffer.from(content.fileEncSha256!)),
    plainHashOk: sha256(plaintext).equals(Buffer.from(content.fileSha256!)),
  };
}

async function incoming(client: BaileysClient, id: string): Promise<proto.IWebMessageInfo> {
  const upsert = await client.upserts.waitFor(
    (u) => u.messages.some((m) => m.key?.id === id),
    10_000,
    'media upsert',
  );
  return upsert.messages.find((m) => m.key?.id === id)!;
}

describe('media from a Baileys client to a fake contact', () => {
  it('an image sent from a stream is uploaded, and the contact decrypts it byte-exact and verified', async () => {
    const { fake, contact, client } = await setup();
    const bytes = randomBytes(300_000);

    const sent = await client.sock.sendMessage(contact.jid, {
      image: { stream: Readable.from([bytes]) },
      caption: 'look at this',
      mimetype: 'image/png',
    });

    const got = await fake.waitForMessage(contact.pn, (m) => m.id === sent?.key.id && !m.deviceSent);
    expect(got.media).toMatchObject({
      kind: 'image',
      mimetype: 'image/png',
      caption: 'look at this',
      verified: true,
      size: bytes.length,
      sha256: sha256(bytes).toString('hex'),
    });
    expect(got.media?.error).toBeUndefined();
    expect((await receivedMediaBytes(got.media!)).equals(bytes)).toBe(true);
    expect(got.media?.url).toMatch(new RegExp(`^https://${fake.media.hostname}/v/t62\\.7118-24/`));
  });

  it('a 20 MB document from a stream arrives byte-exact, kept on disk rather than in memory', async () => {
    const { fake, contact, client } = await setup();
    const bytes = randomBytes(20 * 1024 * 1024);

    const sent = await client.sock.sendMessage(contact.jid, {
      document: { stream: Readable.from([bytes.subarray(0, 7_000_000), bytes.subarray(7_000_000)]) },
      fileName: 'report.pdf',
      mimetype: 'application/pdf',
    });

    const got = await fake.waitForMessage(contact.pn, (m) => m.id === sent?.key.id && !m.deviceSent, 30_000);
    expect(got.media).toMatchObject({
      kind: 'document',
      fileName: 'report.pdf',
      mimetype: 'application/pdf',
      verified: true,
      fileLength: bytes.length,
    });
    expect(got.media?.bytes).toBeUndefined();
    expect(got.media?.file).toBeDefined();
    expect((await receivedMediaBytes(got.media!)).equals(bytes)).toBe(true);
  }, 60_000);
});

describe('media from a fake contact to a Baileys client', () => {
  it('an image is hosted so that its direct path downloads and decrypts byte-exact', async () => {
    const { fake, contact, client, device } = await setup();
    const bytes = randomBytes(123_457);

    const id = await fake.sendMedia(contact.pn, device.pn, {
      kind: 'image',
      bytes,
      mimetype: 'image/jpeg',
      caption: 'from Alice',
    });

    const message = await incoming(client, id);
    const image = message.message?.imageMessage;
    expect(image).toMatchObject({ mimetype: 'image/jpeg', caption: 'from Alice' });
    expect(Number(image?.fileLength)).toBe(bytes.length);
    expect(image?.url).toMatch(new RegExp(`^https://${fake.media.hostname}/`));
    const byHand = await downloadByHand(fake, 'image', image!);
    expect(byHand).toMatchObject({ macOk: true, encHashOk: true, plainHashOk: true });
    expect(byHand.plaintext.equals(bytes)).toBe(true);
  });

  it("Baileys' own downloadContentFromMessage gets the bytes (a process trusting the CA via NODE_EXTRA_CA_CERTS)", async () => {
    const { fake, contact, client, device } = await setup();
    const bytes = randomBytes(70_001);
    const id = await fake.sendMedia(contact.pn, device.pn, {
      kind: 'audio',
      bytes,
      mimetype: 'audio/ogg; codecs=opus',
      ptt: true,
      seconds: 3,
    });
    const audio = (await incoming(client, id)).message?.audioMessage;
    expect(audio).toMatchObject({ ptt: true, seconds: 3 });
    const input = join(fake.media.dir, 'download-input.json');
    await writeFile(
      input,
      JSON.stringify({
        url: audio?.url,
        directPath: audio?.directPath,
        mediaKey: Buffer.from(audio!.mediaKey!).toString('base64'),
      }),
    );
    // Node's fetch only trusts an extra CA given before the process starts, so Baileys downloads in a child.
    const script = `
      import { readFileSync } from 'node:fs';
      import { createHash } from 'node:crypto';
      import { downloadContentFromMessage } from '@whiskeysockets/baileys';
      const m = JSON.parse(readFileSync(process.argv[1], 'utf8'));
      const stream = await downloadContentFromMessage({ ...m, mediaKey: Buffer.from(m.mediaKey, 'base64') }, 'audio');
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of stream) { hash.update(chunk); size += chunk.length; }
      console.log(JSON.stringify({ size, sha256: hash.digest('hex') }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, input],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: fake.media.caFile }, timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toEqual({ size: bytes.length, sha256: sha256(bytes).toString('hex') });
  });
});
