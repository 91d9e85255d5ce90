import type { FakeContext } from './context.ts';
import { pnJid } from './jids.ts';
import { type Companion, companionJid, type FakeUser } from './world.ts';

/** Retry receipts a contact sends for one message before it gives up on it, as WhatsApp clients do. */
export const MAX_RETRY_REQUESTS = 5;
/** Messages whose requests a device's contacts remember; older counts are forgotten first. */
const REMEMBERED_MESSAGES = 1_000;

const requested = new WeakMap<Companion, Map<string, number>>();

/**
 * A contact could not decrypt a client's 1:1 message (`Key used already`, no
 * matching session). As its phone does, it sends the client `<receipt
 * type=retry>` with its registration id, and the client encrypts the message
 * again on a fresh session (Baileys fetches the contact's key bundle anew).
 * A copy for the sender's own phone is not asked for again. False when it
 * did not ask (then the failure is a `decrypt-error`).
 */
export function requestRetry(
  ctx: FakeContext,
  sender: Companion,
  recipient: FakeUser,
  id: string,
  cause: Error,
): boolean {
  const connection = sender.connection;
  if (recipient === sender.user || !id || !connection?.isOpen) return false;
  const counts = requested.get(sender) ?? new Map<string, number>();
  requested.set(sender, counts);
  const count = (counts.get(id) ?? 0) + 1;
  if (count > MAX_RETRY_REQUESTS) return false;
  counts.delete(id);
  counts.set(id, count);
  if (counts.size > REMEMBERED_MESSAGES) counts.delete(counts.keys().next().value as string);
  const t = String(Math.floor(Date.now() / 1000));
  const registration = Buffer.alloc(4);
  registration.writeUInt32BE(recipient.primary.registrationId);
  connection.send({
    tag: 'receipt',
    attrs: { from: pnJid(recipient.pn), id, t, type: 'retry' },
    content: [
      { tag: 'retry', attrs: { count: String(count), id, t, v: '1' } },
      { tag: 'registration', attrs: {}, content: registration },
    ],
  });
  ctx.events.emit('retry-requested', companionJid(sender), id, count, cause);
  return true;
}
