import type { SessionEvent } from './types.ts';

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function messageSummary(data: Record<string, unknown>): string {
  const who = data.fromMe === true ? 'me' : (str(data.pushName) ?? str(data.fromPn) ?? str(data.from) ?? '?');
  const media = data.media as Record<string, unknown> | undefined;
  const parts: string[] = [];
  if (media) {
    const error = media.error as { code?: string } | undefined;
    parts.push(`[${str(media.kind) ?? 'media'}${error?.code ? ` ${error.code}` : ''}]`);
    const fileName = str(media.fileName);
    if (fileName) parts.push(fileName);
    const caption = str(media.caption);
    if (caption) parts.push(caption);
  }
  const text = str(data.text);
  if (text) parts.push(text);
  if (parts.length === 0) parts.push(`[${str(data.kind) ?? 'message'}]`);
  return `${who}: ${parts.join(' ')}`;
}

/**
 * One line of plain text per event. Everything a contact controls (text, push
 * name, file name, caption) passes through as a string and is rendered as a
 * text node, never as markup.
 */
export function summarizeEvent(event: SessionEvent): string {
  const data = event.data ?? {};
  if (event.truncated) return 'too large for one frame: open it from the history';
  switch (event.type) {
    case 'session:message':
      return messageSummary(data);
    case 'session:message-status': {
      const error = data.error as { code?: string } | undefined;
      return `${str(data.id) ?? '?'} ${str(data.status) ?? '?'}${error?.code ? ` (${error.code})` : ''}`;
    }
    case 'session:status': {
      const reason = data.reason as { code?: string; message?: string } | undefined;
      return `${str(data.status) ?? '?'}${reason?.message ? ` — ${reason.message}` : ''}`;
    }
    case 'session:connected': {
      const me = data.me as { phoneNumber?: string; name?: string } | undefined;
      return `linked as ${me?.phoneNumber ?? '?'}${me?.name ? ` (${me.name})` : ''}`;
    }
    case 'session:disconnected': {
      const reason = data.reason as { code?: string; message?: string } | undefined;
      return `${String(data.statusCode ?? '')} ${reason?.code ?? ''} ${data.willReconnect ? '(reconnecting)' : ''}`.trim();
    }
    case 'qr':
      return `QR #${String(data.qrSeq ?? '?')}, expires ${str(data.expiresAt) ?? '?'}`;
    case 'session:error':
    case 'session:logged-out': {
      const reason = data.reason as { code?: string } | undefined;
      return [str(data.code) ?? reason?.code, str(data.message)].filter(Boolean).join(' — ');
    }
    default:
      return JSON.stringify(data).slice(0, 300);
  }
}
