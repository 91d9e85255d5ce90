import { LeaseKeeper } from '../../../session-host/src/fleet/lease-keeper.ts';

/**
 * The control's broken fencing rule: the real LeaseKeeper with its self-fence
 * removed (a lease once held is never lost, so nothing is suspended or given up and the
 * host keeps acting on sessions peers have taken over). Only the control test
 * uses it; the simulation must catch it.
 */
export class NeverFencingLeaseKeeper extends LeaseKeeper {
  private everHeld = false;

  override held(): boolean {
    if (super.held()) this.everHeld = true;
    return this.everHeld;
  }
}
