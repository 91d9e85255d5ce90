import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_DISCONNECT_POLICY as config,
  type DisconnectInput,
  decideOnDisconnect,
} from '#commons/domain/disconnect-policy.ts';

const input = (statusCode: number | undefined, over: Partial<DisconnectInput> = {}): DisconnectInput => ({
  statusCode,
  attempt: 1,
  awaitingScan: false,
  random: 0.5,
  ...over,
});

describe('disconnect policy', () => {
  it.each([
    [515, 'reconnect', 'RESTART_REQUIRED'],
    [428, 'reconnect', 'CONNECTION_LOST'],
    [408, 'reconnect', 'CONNECTION_LOST'],
    [503, 'reconnect', 'WHATSAPP_UNAVAILABLE'],
    [500, 'reconnect', 'BAD_SESSION'],
    [undefined, 'reconnect', 'CONNECTION_LOST'],
    [999, 'reconnect', 'CONNECTION_LOST'],
    [440, 'stop', 'CONNECTION_REPLACED'],
    [401, 'logged-out', 'LOGGED_OUT'],
    [403, 'logged-out', 'LOGGED_OUT'],
    [411, 'fail', 'MULTIDEVICE_MISMATCH'],
  ] as const)('code %s on a first close → %s (%s)', (code, action, reason) => {
    const decision = decideOnDisconnect(input(code));
    expect(decision.action).toBe(action);
    expect(decision.reason.code).toBe(reason);
    expect(decision.reason.action.length).toBeGreaterThan(0);
  });

  it('reconnects at once on 515 and with a delay on 428', () => {
    expect(decideOnDisconnect(input(515))).toMatchObject({ delayMs: 0 });
    expect(decideOnDisconnect(input(428))).toMatchObject({ delayMs: backoffDelay(1, 0.5, config) });
  });

  it('stops with QR_EXPIRED when the QR refs ran out (408 while awaiting a scan)', () => {
    expect(decideOnDisconnect(input(408, { awaitingScan: true }))).toMatchObject({
      action: 'stop',
      reason: { code: 'QR_EXPIRED' },
    });
  });

  it('never reconnects on 440, however many attempts came before', () => {
    for (const attempt of [1, 2, 50]) {
      expect(decideOnDisconnect(input(440, { attempt })).action).toBe('stop');
    }
  });

  it('gives up on a bad session after the bounded retries', () => {
    expect(decideOnDisconnect(input(500, { attempt: config.badSessionRetries })).action).toBe('reconnect');
    expect(decideOnDisconnect(input(500, { attempt: config.badSessionRetries + 1 }))).toMatchObject({
      action: 'fail',
      reason: { code: 'BAD_SESSION' },
    });
  });

  it('fails with TOO_MANY_RESTARTS past the cap on consecutive restarts, even for 515', () => {
    const attempt = config.maxConsecutiveRestarts + 1;
    for (const code of [515, 428, 408, 503]) {
      expect(decideOnDisconnect(input(code, { attempt }))).toMatchObject({
        action: 'fail',
        reason: { code: 'TOO_MANY_RESTARTS' },
      });
    }
  });

  it('grows the backoff exponentially, jittered between half and all of the ceiling, capped', () => {
    expect(backoffDelay(1, 0, config)).toBe(500);
    expect(backoffDelay(1, 1, config)).toBe(1000);
    expect(backoffDelay(3, 0, config)).toBe(2000);
    expect(backoffDelay(3, 0.999, config)).toBeLessThanOrEqual(4000);
    expect(backoffDelay(30, 1, config)).toBe(config.maxDelayMs);
    const delays = [1, 2, 3, 4, 5].map((a) => backoffDelay(a, 0.5, config));
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
  });
});
