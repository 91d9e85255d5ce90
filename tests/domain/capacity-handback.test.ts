import { describe, expect, it } from 'vitest';
import { handBackPatch, hostFullReason } from '#commons/domain/capacity-handback.ts';
import type { SessionStatus } from '#commons/domain/session-status.ts';

describe('capacity handback status', () => {
  it.each<{ from: SessionStatus; to: SessionStatus }>([
    { from: 'STOPPED', to: 'STOPPED' },
    { from: 'CONNECTED', to: 'STOPPED' },
    { from: 'FAILED', to: 'STOPPED' },
    { from: 'LOGGED_OUT', to: 'LOGGED_OUT' },
  ])('a session handed back from $from shows $to with NO_HOST_AVAILABLE', ({ from, to }) => {
    const patch = handBackPatch({ status: from }, 'host-7');
    expect(patch).toEqual({ status: to, statusReason: hostFullReason('host-7'), qr: null });
    expect(patch.statusReason?.code).toBe('NO_HOST_AVAILABLE');
    expect(patch.statusReason?.message).toContain('host-7');
  });
});
