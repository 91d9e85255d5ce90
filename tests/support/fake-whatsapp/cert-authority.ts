import { Curve, proto, WA_CERT_DETAILS } from '@whiskeysockets/baileys';

export interface KeyPair {
  public: Buffer;
  private: Buffer;
}

export interface CertAuthority {
  /** 32-byte Curve25519 public key Baileys must pin as `WA_CERT_DETAILS.PUBLIC_KEY`. */
  readonly publicKey: Buffer;
  /** A `CertChain` (intermediate signed by the authority, leaf signed by the intermediate). */
  issueChain(serverStaticPublic: Buffer): Uint8Array;
}

const ONE_YEAR_S = 365 * 24 * 3600;

export function createCertAuthority(): CertAuthority {
  const root = Curve.generateKeyPair() as KeyPair;
  return {
    publicKey: root.public,
    issueChain(serverStaticPublic) {
      const intermediateKey = Curve.generateKeyPair() as KeyPair;
      const now = Math.floor(Date.now() / 1000);
      const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
        serial: 1,
        issuerSerial: WA_CERT_DETAILS.SERIAL,
        key: intermediateKey.public,
        notBefore: now - 60,
        notAfter: now + ONE_YEAR_S,
      }).finish();
      const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
        serial: 2,
        issuerSerial: 1,
        key: serverStaticPublic,
        notBefore: now - 60,
        notAfter: now + ONE_YEAR_S,
      }).finish();
      return proto.CertChain.encode({
        intermediate: {
          details: intermediateDetails,
          signature: Curve.sign(root.private, intermediateDetails),
        },
        leaf: { details: leafDetails, signature: Curve.sign(intermediateKey.private, leafDetails) },
      }).finish();
    },
  };
}

/** Pins `publicKey` as the WhatsApp root in this process's Baileys (the exported object is mutable). */
export function installCertAuthorityKey(publicKey: Buffer): void {
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(publicKey);
}

let processAuthority: CertAuthority | undefined;

/** One authority per process, installed into Baileys on first use, so every fake and client agree. */
export function processCertAuthority(): CertAuthority {
  if (!processAuthority) {
    processAuthority = createCertAuthority();
    installCertAuthorityKey(processAuthority.publicKey);
  }
  return processAuthority;
}
