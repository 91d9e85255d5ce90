/**
 * The dashboard's response headers. The CSP allows only this origin's own
 * files (no inline script or style, no eval), images from here or drawn in
 * the page (blob:/data: for the QR), and connections to here and to the
 * WebSocket gateway, which has its own origin.
 */
import type { MiddlewareHandler } from 'hono';

/** `ws://127.0.0.1:3001` from `ws://127.0.0.1:3001/local`; undefined for anything that is not ws(s). */
export function webSocketOrigin(wsUrl: string): string | undefined {
  try {
    const url = new URL(wsUrl);
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? `${url.protocol}//${url.host}` : undefined;
  } catch {
    return undefined;
  }
}

/** `mediaUploadOrigin`: where the page PUTs media to presigned URLs (the media bucket), if anywhere. */
export function contentSecurityPolicy(wsUrl: string, mediaUploadOrigin?: string): string {
  const ws = webSocketOrigin(wsUrl);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self'${ws ? ` ${ws}` : ''}${mediaUploadOrigin ? ` ${mediaUploadOrigin}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(wsUrl: string, mediaUploadOrigin?: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(wsUrl, mediaUploadOrigin),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/** Sets the headers on every response of the app, errors and 404s included. */
export function withSecurityHeaders(wsUrl: string, mediaUploadOrigin?: string): MiddlewareHandler {
  const headers = securityHeaders(wsUrl, mediaUploadOrigin);
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
