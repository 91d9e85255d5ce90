import type { StatusPatch } from './session-ownership.ts';
import { type SessionEvent, type SessionState, transition } from './session-status.ts';

/** The status model refused a move the host was about to record. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
}

/** Fields a status write carries besides the status and its reason. */
export type PatchFields = Omit<StatusPatch, 'status' | 'statusReason'>;

/**
 * The status write for `event` from `current`, through the status model: the
 * model decides the status and its reason; a session that starts or connects
 * drops the previous reason. Throws IllegalTransitionError on a move the model refuses.
 */
export function statusPatch(
  current: SessionState,
  event: SessionEvent,
  fields: PatchFields = {},
): { readonly state: SessionState; readonly patch: StatusPatch } {
  const next = transition(current, event);
  if (!next.ok) throw new IllegalTransitionError(`${next.event} is not accepted from ${next.from}`);
  const { state } = next;
  const clears = event.type === 'HOST_STARTED' || event.type === 'CONNECTED';
  const statusReason = state.statusReason ?? (clears ? null : undefined);
  return {
    state,
    patch: { ...fields, status: state.status, ...(statusReason !== undefined && { statusReason }) },
  };
}
