import type { Fence } from '#commons/domain/fence.ts';
import type { SessionOwnership } from '#commons/domain/session-ownership.ts';
import type { SessionEvent, SessionState } from '#commons/domain/session-status.ts';
import { type PatchFields, statusPatch } from '#commons/domain/status-patch.ts';
import type { SessionEvents } from './session-events.ts';

/**
 * A session's status on its record: every change goes through the status
 * model (`transition()`), is written fenced, and is published once per
 * status change as `session:status`.
 */
export class StatusWriter {
  private lastPublished: string | undefined;

  constructor(
    private readonly sessionId: string,
    private readonly fence: Fence,
    private readonly ownership: Pick<SessionOwnership, 'writeStatus'>,
    private readonly events: SessionEvents,
    /** The record's status when this host claimed it. */
    private state: SessionState,
  ) {}

  get current(): SessionState {
    return this.state;
  }

  async apply(event: SessionEvent, fields?: PatchFields, desired?: 'STOPPED'): Promise<void> {
    const { state, patch } = statusPatch(this.state, event, fields);
    await this.ownership.writeStatus(this.sessionId, this.fence, patch, desired);
    this.state = state;
    if (patch.status === this.lastPublished) return;
    this.lastPublished = patch.status;
    this.events.publish('session:status', {
      status: patch.status,
      ...(patch.statusReason && { reason: patch.statusReason }),
    });
  }
}
