import { jidDecode } from '@whiskeysockets/baileys';

/** The server's own address: a JID pair with an empty user, never the bare token `s.whatsapp.net`. */
export const SERVER_JID = '@s.whatsapp.net';

export function pnJid(pn: string, device = 0): string {
  return device ? `${pn}:${device}@s.whatsapp.net` : `${pn}@s.whatsapp.net`;
}

export function lidJid(lid: string, device = 0): string {
  return device ? `${lid}:${device}@lid` : `${lid}@lid`;
}

export interface JidAddress {
  user: string;
  device: number;
  server: 'pn' | 'lid';
}

/** Parses a user JID (PN or LID, with or without device); undefined for groups, broadcasts, etc. */
export function parseUserJid(jid: string | undefined): JidAddress | undefined {
  const decoded = jidDecode(jid);
  if (!decoded?.user) return undefined;
  if (decoded.server === 's.whatsapp.net')
    return { user: decoded.user, device: decoded.device ?? 0, server: 'pn' };
  if (decoded.server === 'lid') return { user: decoded.user, device: decoded.device ?? 0, server: 'lid' };
  return undefined;
}
