import type { GroupInfo, ParticipantResult } from '../domain/groups.ts';

/** A group operation the control plane asks a session's host to run on its socket. */
export type HostGroupCommand =
  | { readonly op: 'list' }
  | { readonly op: 'read'; readonly group: string }
  | { readonly op: 'create'; readonly subject: string; readonly participants: readonly string[] }
  | {
      readonly op: 'participants';
      readonly group: string;
      readonly action: 'add' | 'remove';
      readonly participants: readonly string[];
    }
  | { readonly op: 'leave'; readonly group: string };

export interface HostGroupResults {
  list: { groups: GroupInfo[] };
  read: { group: GroupInfo };
  create: { group: GroupInfo };
  participants: { participants: ParticipantResult[] };
  leave: { left: true };
}

export type HostGroupResult<C extends HostGroupCommand> = HostGroupResults[C['op']];
