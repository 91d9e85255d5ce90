import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../functions/dashboard/serve/security-headers.ts';

const connectSrc = (csp: string): string | undefined =>
  csp.split('; ').find((directive) => directive.startsWith('connect-src '));

describe('the dashboard CSP and media uploads', () => {
  it('lets the page connect to the media bucket’s origin when uploads go there', () => {
    const csp = contentSecurityPolicy('ws://127.0.0.1:3001/local', 'http://127.0.0.1:4569');
    expect(connectSrc(csp)).toBe("connect-src 'self' ws://127.0.0.1:3001 http://127.0.0.1:4569");
  });

  it('allows no other origin when none is configured', () => {
    const csp = contentSecurityPolicy('ws://127.0.0.1:3001/local');
    expect(connectSrc(csp)).toBe("connect-src 'self' ws://127.0.0.1:3001");
  });
});
