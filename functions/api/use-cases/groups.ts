import type { Principal } from '#commons/auth/principal.ts';
import type { GroupInfo, ParticipantResult } from '#commons/domain/groups.ts';
import { canSendMessages } from '#commons/domain/session-status.ts';
import { SessionNotConnectedError } from '#commons/errors/app-errors.ts';
import type { HostGroupCommand, HostGroupResult } from '#commons/hosts/host-groups.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { liveOwner, loadVisibleSession } from './session-access.ts';

/** Runs a group command on the host that owns the (connected) session. */
async function onOwner<C extends HostGroupCommand>(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  command: C,
): Promise<HostGroupResult<C>> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  const host = canSendMessages(session.status) ? await liveOwner(deps, session, deps.clock()) : undefined;
  if (!host) {
    throw new SessionNotConnectedError('the session is not connected to WhatsApp', {
      details: { status: session.status },
    });
  }
  return deps.hostClient.groupCommand(host.endpoint, sessionId, command);
}

export async function listGroups(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<GroupInfo[]> {
  return (await onOwner(deps, principal, sessionId, { op: 'list' })).groups;
}

export async function readGroup(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  group: string,
): Promise<GroupInfo> {
  return (await onOwner(deps, principal, sessionId, { op: 'read', group })).group;
}

export async function createGroup(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: { subject: string; participants: readonly string[] },
): Promise<GroupInfo> {
  return (await onOwner(deps, principal, sessionId, { op: 'create', ...input })).group;
}

export async function changeGroupParticipants(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: { group: string; action: 'add' | 'remove'; participants: readonly string[] },
): Promise<ParticipantResult[]> {
  return (await onOwner(deps, principal, sessionId, { op: 'participants', ...input })).participants;
}

export async function leaveGroup(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  group: string,
): Promise<void> {
  await onOwner(deps, principal, sessionId, { op: 'leave', group });
}
