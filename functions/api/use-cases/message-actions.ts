import type { Principal } from '#commons/auth/principal.ts';
import { MEDIA_KINDS, type MediaKind } from '#commons/domain/media.ts';
import {
  type ChatPresence,
  type ContactCheck,
  MAX_CONTACT_CHECK,
  type MessageAction,
  parseCheckNumbers,
} from '#commons/domain/message-content.ts';
import { canSendMessages } from '#commons/domain/session-status.ts';
import {
  SessionNotConnectedError,
  TooManyNumbersError,
  ValidationFailedError,
} from '#commons/errors/app-errors.ts';
import type { HostRecord } from '#commons/hosts/host-record.ts';
import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { liveOwner, loadVisibleSession } from './session-access.ts';

export function isMediaKind(kind: string): kind is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(kind);
}

/** The send body's action field (location, contact, reaction, edit, delete) as one tagged action. */
export function actionOf(body: {
  readonly location?: Omit<Extract<MessageAction, { type: 'location' }>, 'type'> | undefined;
  readonly contact?: Omit<Extract<MessageAction, { type: 'contact' }>, 'type'> | undefined;
  readonly reaction?: Omit<Extract<MessageAction, { type: 'reaction' }>, 'type'> | undefined;
  readonly edit?: Omit<Extract<MessageAction, { type: 'edit' }>, 'type'> | undefined;
  readonly delete?: Omit<Extract<MessageAction, { type: 'delete' }>, 'type'> | undefined;
}): MessageAction | undefined {
  if (body.location) return { type: 'location', ...body.location };
  if (body.contact) return { type: 'contact', ...body.contact };
  if (body.reaction) return { type: 'reaction', ...body.reaction };
  if (body.edit) return { type: 'edit', ...body.edit };
  if (body.delete) return { type: 'delete', ...body.delete };
  return undefined;
}

/** Read receipts and presence are for now or never: they go to a connected session's host, not the queue. */
async function connectedOwner(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<HostRecord> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  const host = canSendMessages(session.status) ? await liveOwner(deps, session, deps.clock()) : undefined;
  if (!host) {
    throw new SessionNotConnectedError('the session is not connected to WhatsApp', {
      details: { status: session.status },
    });
  }
  return host;
}

export async function markChatRead(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  read: {
    readonly chat: string;
    readonly messageIds?: readonly string[] | undefined;
    readonly participant?: string;
  },
): Promise<void> {
  const host = await connectedOwner(deps, principal, sessionId);
  await deps.hostClient.markRead(host.endpoint, sessionId, read);
}

export async function sendChatPresence(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  chat: string,
  presence: ChatPresence,
): Promise<void> {
  const host = await connectedOwner(deps, principal, sessionId);
  await deps.hostClient.sendPresence(host.endpoint, sessionId, chat, presence);
}

/** Checked before the session is looked up or a host asked: a bad list costs nothing. */
export async function checkContacts(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  numbers: string,
): Promise<ContactCheck[]> {
  const parsed = parseCheckNumbers(numbers);
  if (!parsed.ok) {
    if (parsed.reason === 'count') {
      deps.log.warn(
        { limit: LIMITS.contactCheckNumbers, tenantId: principal.tenantId, sessionId },
        LIMIT_REFUSED_MESSAGE,
      );
      throw new TooManyNumbersError(parsed.detail, { details: { limit: MAX_CONTACT_CHECK } });
    }
    throw new ValidationFailedError(parsed.detail);
  }
  const host = await connectedOwner(deps, principal, sessionId);
  return deps.hostClient.checkContacts(host.endpoint, sessionId, parsed.numbers);
}
