import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { Curve, NOISE_MODE, NOISE_WA_HEADER, proto } from '@whiskeysockets/baileys';
import type { KeyPair } from './cert-authority.ts';

const TAG_LENGTH = 16;
const EMPTY = Buffer.alloc(0);

export class NoiseProtocolError extends Error {}

export interface ClientFinish {
  /** The client's Noise static key: its `creds.noiseKey.public`. */
  clientStatic: Buffer;
  payload: proto.ClientPayload;
}

function iv(counter: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(counter, 8);
  return out;
}

function gcmEncrypt(plaintext: Uint8Array, key: Buffer, counter: number, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv(counter));
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmDecrypt(ciphertext: Uint8Array, key: Buffer, counter: number, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv(counter));
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LENGTH));
  return Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_LENGTH)),
    decipher.final(),
  ]);
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function hkdf64(ikm: Uint8Array, salt: Buffer): [Buffer, Buffer] {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, EMPTY, 64));
  return [out.subarray(0, 32), out.subarray(32)];
}

/**
 * Server side of WhatsApp's Noise XX handshake and its transport framing
 * (3-byte big-endian length, AES-GCM with a per-direction counter once the handshake is done).
 */
export class NoiseServer {
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private inBytes: Buffer = EMPTY;
  private sawIntro = false;
  private readonly ephemeral: KeyPair = Curve.generateKeyPair() as KeyPair;
  private transport: { read: Buffer; write: Buffer; readCounter: number; writeCounter: number } | undefined;

  constructor(
    private readonly staticKey: KeyPair,
    private readonly certChain: Uint8Array,
  ) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.length === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.key = this.hash;
    this.authenticate(NOISE_WA_HEADER);
  }

  /** Splits incoming bytes into frames; in transport mode the frames come back decrypted, in order. */
  receive(data: Buffer): Buffer[] {
    this.inBytes = this.inBytes.length ? Buffer.concat([this.inBytes, data]) : data;
    if (!this.sawIntro) {
      if (this.inBytes.length < NOISE_WA_HEADER.length) return [];
      if (!this.inBytes.subarray(0, NOISE_WA_HEADER.length).equals(NOISE_WA_HEADER)) {
        throw new NoiseProtocolError('unexpected intro header');
      }
      this.inBytes = this.inBytes.subarray(NOISE_WA_HEADER.length);
      this.sawIntro = true;
    }
    const frames: Buffer[] = [];
    while (this.inBytes.length >= 3) {
      const size = (this.inBytes[0]! << 16) | (this.inBytes[1]! << 8) | this.inBytes[2]!;
      if (this.inBytes.length < size + 3) break;
      const frame = this.inBytes.subarray(3, size + 3);
      this.inBytes = this.inBytes.subarray(size + 3);
      frames.push(this.transport ? this.transportDecrypt(frame) : frame);
    }
    return frames;
  }

  /** Answers `clientHello` with `serverHello{ephemeral, static, payload: CertChain}`; returns the frame. */
  respondToHello(frame: Buffer): Buffer {
    const clientEphemeral = proto.HandshakeMessage.decode(frame).clientHello?.ephemeral;
    if (clientEphemeral?.length !== 32) throw new NoiseProtocolError('missing client ephemeral');
    this.clientEphemeral = Buffer.from(clientEphemeral);
    this.authenticate(this.clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
    const staticEnc = this.encrypt(this.staticKey.public);
    this.mixIntoKey(Curve.sharedKey(this.staticKey.private, this.clientEphemeral));
    const payloadEnc = this.encrypt(this.certChain);
    const hello = proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc },
    }).finish();
    return this.encodeFrame(hello);
  }

  private clientEphemeral: Buffer = EMPTY;

  /** Reads `clientFinish`, derives the transport keys and returns the client's static key and payload. */
  finish(frame: Buffer): ClientFinish {
    const clientFinish = proto.HandshakeMessage.decode(frame).clientFinish;
    if (!clientFinish?.static || !clientFinish.payload) throw new NoiseProtocolError('missing client finish');
    const clientStatic = this.decrypt(clientFinish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = proto.ClientPayload.decode(this.decrypt(clientFinish.payload));
    const [clientWrite, serverWrite] = hkdf64(EMPTY, this.salt);
    this.transport = { read: clientWrite, write: serverWrite, readCounter: 0, writeCounter: 0 };
    return { clientStatic, payload };
  }

  /** Frames (and, after the handshake, encrypts) one outgoing message. */
  encodeFrame(data: Uint8Array): Buffer {
    const body = this.transport ? this.transportEncrypt(data) : data;
    const frame = Buffer.alloc(3 + body.length);
    frame.writeUIntBE(body.length, 0, 3);
    frame.set(body, 3);
    return frame;
  }

  private transportEncrypt(plaintext: Uint8Array): Buffer {
    const t = this.transport!;
    return gcmEncrypt(plaintext, t.write, t.writeCounter++, EMPTY);
  }

  private transportDecrypt(ciphertext: Buffer): Buffer {
    const t = this.transport!;
    return gcmDecrypt(ciphertext, t.read, t.readCounter++, EMPTY);
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(material: Uint8Array): void {
    const [salt, key] = hkdf64(material, this.salt);
    this.salt = salt;
    this.key = key;
    this.counter = 0;
  }

  private encrypt(plaintext: Uint8Array): Buffer {
    const result = gcmEncrypt(plaintext, this.key, this.counter++, this.hash);
    this.authenticate(result);
    return result;
  }

  private decrypt(ciphertext: Uint8Array): Buffer {
    const result = gcmDecrypt(ciphertext, this.key, this.counter++, this.hash);
    this.authenticate(ciphertext);
    return result;
  }
}
