import type { StatusPatch } from './session-ownership.ts';
import type { SessionState, StatusReason } from './session-status.ts';

/** Why a session wanted RUNNING is not running: the host it was placed on was full. */
export function hostFullReason(hostId: string): StatusReason {
  return {
    code: 'NO_HOST_AVAILABLE',
    message: `host ${hostId} was full when the session reached it; it waits for a host with room`,
    action:
      'nothing: the session starts on the first host with room (add hosts or raise capacity if it waits long)',
  };
}

/**
 * The status a session handed back by a full host shows while it waits on the
 * unassigned owner: not running, with the reason. An unlinked device stays
 * visibly LOGGED_OUT (a start needs a new QR either way). Pure.
 */
export function handBackPatch(current: SessionState, hostId: string): StatusPatch {
  return {
    status: current.status === 'LOGGED_OUT' ? 'LOGGED_OUT' : 'STOPPED',
    statusReason: hostFullReason(hostId),
    qr: null,
  };
}
