import type { WASocket } from '@whiskeysockets/baileys';
import type { KeyActivity } from './key-activity.ts';

const DRAIN_QUIET_MS = 400;
const DRAIN_MAX_MS = 5_000;
const DRAIN_POLL_MS = 50;

/**
 * Stops reading new frames and refuses key access to any frame Baileys had
 * queued but not started, while keeping the socket open until the ones
 * already committed got their receipt and their event: a message whose keys
 * were committed must not lose its event (the next owner cannot decrypt it
 * again). What is refused or not read is not receipted, so WhatsApp delivers
 * it again to whoever logs in next.
 */
export async function drainSocket(
  sock: WASocket,
  activity: KeyActivity,
  holding: () => boolean,
  now: () => number = Date.now,
): Promise<void> {
  sock.ws.removeAllListeners('message');
  activity.draining = true;
  // Quiet means no key access and no event for DRAIN_QUIET_MS (commit → receipt → upsert).
  const deadline = now() + DRAIN_MAX_MS;
  activity.lastAt = Math.max(activity.lastAt, now());
  const busy = (): boolean => activity.inFlight > 0 || holding() || now() - activity.lastAt < DRAIN_QUIET_MS;
  while (now() < deadline && busy()) {
    await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
  }
}
