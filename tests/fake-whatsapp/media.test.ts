import { execFile } from 'node:child_process';
import { createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
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
import { MEDIA_UPLOAD_LIMIT_BYTES } from '../support/fake-whatsapp/media-host.ts';
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
  const [res] = (await once(req, 'response')) as [IncomingMessage];
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

describe('corrupt and expired media from a fake contact', () => {
  it('corrupt makes exactly the named check fail, checked by hand and by the verifier', async () => {
    const { fake, contact, client, device } = await setup();
    const bytes = randomBytes(40_000);
    const corruptions = ['mac', 'enc-hash', 'plaintext-hash'] as const;

    for (const corrupt of corruptions) {
      const id = await fake.sendMedia(contact.pn, device.pn, {
        kind: 'image',
        bytes,
        mimetype: 'image/jpeg',
        corrupt,
      });
      const image = (await incoming(client, id)).message?.imageMessage;
      const byHand = await downloadByHand(fake, 'image', image!);
      expect({ corrupt, ...byHand, file: undefined, plaintext: undefined }).toEqual({
        corrupt,
        file: undefined,
        plaintext: undefined,
        macOk: corrupt !== 'mac',
        encHashOk: corrupt !== 'enc-hash',
        plainHashOk: corrupt !== 'plaintext-hash',
      });
      // The ciphertext itself is intact: only the MAC bytes or the message's hash were changed.
      expect(byHand.plaintext.equals(bytes)).toBe(true);
      const verified = await verifyMediaFile(
        fake.media.find(image!.directPath!)!.file,
        'image',
        {
          mediaKey: image!.mediaKey!,
          fileEncSha256: image!.fileEncSha256,
          fileSha256: image!.fileSha256,
          fileLength: Number(image!.fileLength),
        },
        () => undefined,
      );
      expect(verified.failed).toEqual([corrupt]);
    }
  });

  it('expired media answers 410 (or the status given) on download; unknown paths 404', async () => {
    const { fake, contact, client, device } = await setup();
    const bytes = randomBytes(5_000);
    const expiredId = await fake.sendMedia(contact.pn, device.pn, {
      kind: 'document',
      bytes,
      mimetype: 'text/plain',
      fileName: 'old.txt',
      expired: true,
    });
    const liveId = await fake.sendMedia(contact.pn, device.pn, {
      kind: 'video',
      bytes,
      mimetype: 'video/mp4',
      seconds: 2,
    });
    const expired = (await incoming(client, expiredId)).message?.documentMessage;
    const live = (await incoming(client, liveId)).message?.videoMessage;
    expect(expired?.fileName).toBe('old.txt');

    expect((await media(fake, 'GET', expired!.directPath!)).status).toBe(410);
    expect((await media(fake, 'GET', live!.directPath!)).status).toBe(200);
    expect(fake.media.expire(live!.url!, 404)).toBe(true);
    expect((await media(fake, 'GET', live!.directPath!)).status).toBe(404);
    expect((await media(fake, 'GET', '/v/t62.7118-24/nothing_here_n.enc')).status).toBe(404);
  });

  it('a 50 MB document from a file is encrypted and hosted by streaming, and decrypts byte-exact', async () => {
    const { fake, contact, client, device } = await setup();
    const bytes = randomBytes(50 * 1024 * 1024 + 3);
    const path = join(fake.media.dir, 'big-input.bin');
    await writeFile(path, bytes);

    const id = await fake.sendMedia(contact.pn, device.pn, {
      kind: 'document',
      filePath: path,
      mimetype: 'application/octet-stream',
      fileName: 'big.bin',
    });

    const doc = (await incoming(client, id)).message?.documentMessage;
    expect(Number(doc?.fileLength)).toBe(bytes.length);
    const byHand = await downloadByHand(fake, 'document', doc!);
    expect(byHand).toMatchObject({ macOk: true, encHashOk: true, plainHashOk: true });
    expect(byHand.plaintext.equals(bytes)).toBe(true);
  }, 60_000);
});

describe('the media host checks what clients upload and contacts check what they get', () => {
  it('refuses an upload whose token is not the hash of its body, and one with the wrong auth', async () => {
    const fake = await resources.fake();
    const rejected: string[] = [];
    fake.events.on('media-rejected', (code) => rejected.push(code));
    const body = randomBytes(1_000);
    const auth = encodeURIComponent(fake.media.auth);
    const otherToken = uploadToken(sha256(randomBytes(1_000)));

    const mismatch = await media(
      fake,
      'POST',
      `/mms/image/${otherToken}?auth=${auth}&token=${otherToken}`,
      body,
    );
    const token = uploadToken(sha256(body));
    const badAuth = await media(fake, 'POST', `/mms/image/${token}?auth=wrong&token=${token}`, body);
    const good = await media(fake, 'POST', `/mms/image/${token}?auth=${auth}&token=${token}`, body);

    expect(mismatch.status).toBe(400);
    const refused = JSON.parse(mismatch.body.toString('utf8'));
    expect(refused).toMatchObject({ code: 'HASH_MISMATCH' });
    expect(refused.url).toBeUndefined();
    expect(refused.direct_path).toBeUndefined();
    expect(badAuth.status).toBe(401);
    expect(rejected).toEqual(['HASH_MISMATCH', 'BAD_AUTH']);
    // The same body under its own token is stored and served back unchanged.
    expect(good.status).toBe(200);
    const { direct_path: directPath } = JSON.parse(good.body.toString('utf8'));
    expect((await media(fake, 'GET', directPath)).body.equals(body)).toBe(true);
  });

  it('a contact reports a file altered after upload as failing the hash and MAC checks, with no bytes', async () => {
    const { fake, contact, client } = await setup();
    // Flip the stored file's last byte as soon as the upload lands, before the message is sent.
    fake.events.on('media-uploaded', (directPath) => {
      const fd = openSync(fake.media.find(directPath)!.file, 'r+');
      const { size } = fstatSync(fd);
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      last[0]! ^= 0xff;
      writeSync(fd, last, 0, 1, size - 1);
      closeSync(fd);
    });

    const sent = await client.sock.sendMessage(contact.jid, {
      image: { stream: Readable.from([randomBytes(10_000)]) },
      mimetype: 'image/jpeg',
    });

    const got = await fake.waitForMessage(contact.pn, (m) => m.id === sent?.key.id && !m.deviceSent);
    expect(got.media).toMatchObject({ kind: 'image', verified: false });
    expect(got.media?.error).toMatchObject({ check: 'enc-hash', failed: ['enc-hash', 'mac'] });
    expect(got.media?.bytes).toBeUndefined();
    await expect(receivedMediaBytes(got.media!)).rejects.toThrow(/not verified/);
  });
});

describe('media limits and missing files', () => {
  it('refuses an upload declaring more than MEDIA_UPLOAD_LIMIT_BYTES with 413 before reading it', async () => {
    const fake = await resources.fake();
    const token = uploadToken(sha256(Buffer.from('x')));
    const req = request({
      host: '127.0.0.1',
      port: fake.media.port,
      method: 'POST',
      path: `/mms/document/${token}?auth=${encodeURIComponent(fake.media.auth)}`,
      ca: [fake.media.caPem],
      headers: { 'content-length': MEDIA_UPLOAD_LIMIT_BYTES + 1 },
    });
    req.on('error', () => undefined); // the server may answer before the body is written
    req.write('x');
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    req.destroy();
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toMatchObject({ code: 'TOO_LARGE' });
  });

  it('a contact reports media whose file expired before it looked as expired, and still gets the message', async () => {
    const { fake, contact, client } = await setup();
    fake.events.on('media-uploaded', (directPath) => fake.media.expire(directPath));

    const sent = await client.sock.sendMessage(contact.jid, {
      video: { stream: Readable.from([randomBytes(3_000)]) },
      caption: 'gone',
      mimetype: 'video/mp4',
    });

    const got = await fake.waitForMessage(contact.pn, (m) => m.id === sent?.key.id && !m.deviceSent);
    expect(got.media).toMatchObject({ kind: 'video', caption: 'gone', verified: false });
    expect(got.media?.error?.check).toBe('expired');
  });
});

describe('media through the control HTTP API', () => {
  it('POST /users/{pn}/media sends base64 media; the inbox lists media without bytes; bad input is 400', async () => {
    const { fake, contact, client, device } = await setup();
    const control = await startControlServer(fake);
    try {
      const bytes = randomBytes(2_000);
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${control.url}${path}`, {
          method,
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, json: await res.json() };
      };

      const sent = await call('POST', `/users/${contact.pn}/media`, {
        to: device.pn,
        kind: 'sticker',
        mimetype: 'image/webp',
        base64: bytes.toString('base64'),
      });
      expect(sent.status).toBe(200);
      const sticker = (await incoming(client, (sent.json as { id: string }).id)).message?.stickerMessage;
      expect((await downloadByHand(fake, 'sticker', sticker!)).plaintext.equals(bytes)).toBe(true);

      const bad = await call('POST', `/users/${contact.pn}/media`, {
        to: device.pn,
        kind: 'hologram',
        mimetype: 'x/y',
        base64: 'AA==',
      });
      expect(bad.status).toBe(400);
      const captionedAudio = await call('POST', `/users/${contact.pn}/media`, {
        to: device.pn,
        kind: 'audio',
        mimetype: 'audio/ogg',
        base64: 'AA==',
        caption: 'no',
      });
      expect(captionedAudio.status).toBe(400);

      const out = await client.sock.sendMessage(contact.jid, {
        image: { stream: Readable.from([bytes]) },
        mimetype: 'image/jpeg',
      });
      await fake.waitForMessage(contact.pn, (m) => m.id === out?.key.id);
      const inbox = await call('GET', `/users/${contact.pn}/inbox`);
      const entries = inbox.json as Array<{ id: string; media?: Record<string, unknown> }>;
      const entry = entries.find((m) => m.id === out?.key.id);
      expect(entry?.media).toMatchObject({
        kind: 'image',
        verified: true,
        sha256: sha256(bytes).toString('hex'),
      });
      expect(entry?.media?.bytes).toBeUndefined();
    } finally {
      await control.close();
    }
  });
});
