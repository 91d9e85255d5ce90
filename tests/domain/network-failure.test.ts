import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISCONNECT_POLICY as config,
  decideOnDisconnect,
} from '#commons/domain/disconnect-policy.ts';

const close = (
  errorCode: unknown,
  over: { awaitingScan?: boolean; attempt?: number; statusCode?: number } = {},
) =>
  decideOnDisconnect({ statusCode: 408, attempt: 1, awaitingScan: false, random: 0.5, errorCode, ...over });

describe('a socket that never reached WhatsApp', () => {
  it.each([
    ['ENOTFOUND', /did not resolve/],
    ['EAI_AGAIN', /did not resolve/],
    ['ECONNREFUSED', /refused/],
    ['ENETUNREACH', /unreachable/],
    ['ETIMEDOUT', /timed out/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', /TLS/],
  ])('%s → WHATSAPP_UNREACHABLE naming the cause and what to check', (code, why) => {
    const decision = close(code);
    expect(decision.action).toBe('reconnect');
    expect(decision.reason.code).toBe('WHATSAPP_UNREACHABLE');
    expect(decision.reason.message).toMatch(why);
    expect(decision.reason.action).toMatch(/DNS.*firewall/);
  });

  it('is not a QR expiry when the socket showing a QR loses the network', () => {
    expect(close('ENOTFOUND', { awaitingScan: true }).reason.code).toBe('WHATSAPP_UNREACHABLE');
    expect(close(undefined, { awaitingScan: true }).reason.code).toBe('QR_EXPIRED');
  });

  it('keeps the other codes and unknown errors as they were', () => {
    expect(close(undefined).reason.code).toBe('CONNECTION_LOST');
    expect(close('EWHATEVER').reason.code).toBe('CONNECTION_LOST');
    // A reset also ends a connection that did reach WhatsApp: that is a drop, not "unreachable".
    expect(close('ECONNRESET').reason.code).toBe('CONNECTION_LOST');
    expect(close(42).reason.code).toBe('CONNECTION_LOST');
    expect(close('ENOTFOUND', { statusCode: 440 }).reason.code).toBe('CONNECTION_REPLACED');
  });

  it('still gives up past the restart cap', () => {
    const decision = close('ENOTFOUND', { attempt: config.maxConsecutiveRestarts + 1 });
    expect(decision).toMatchObject({ action: 'fail', reason: { code: 'TOO_MANY_RESTARTS' } });
  });
});
