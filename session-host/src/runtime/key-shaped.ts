/**
 * Text that looks like Signal key material or a dump of it: the field names
 * libsignal's SessionEntry carries, util.inspect's Buffer form, and bare
 * 32-byte keys in base64 or hex. Used to drop output, so a false positive
 * only costs a log line.
 */
const KEY_SHAPED: readonly RegExp[] = [
  /privKey|rootKey|chainKey|ephemeralKey|signedPreKey|identityKey|noiseKey|advSecret/i,
  /SessionEntry|SessionRecord/,
  /<Buffer[\s>]/,
  /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/,
  /(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/,
];

export function looksLikeKeyMaterial(text: string): boolean {
  return KEY_SHAPED.some((pattern) => pattern.test(text));
}
