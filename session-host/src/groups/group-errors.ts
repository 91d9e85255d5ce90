import { type GroupErrorCode, groupErrorCode } from '#commons/domain/groups.ts';

/** WhatsApp refused a group operation (not found, not a member or admin, or another code). */
export class GroupOperationError extends Error {
  override readonly name = 'GroupOperationError';
  constructor(
    readonly code: GroupErrorCode,
    message: string,
    readonly whatsAppCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const GROUP_ERROR_STATUS = {
  GROUP_NOT_FOUND: 404,
  GROUP_FORBIDDEN: 403,
  GROUP_REQUEST_REFUSED: 422,
} as const satisfies Record<GroupErrorCode, number>;

const MESSAGES: Record<GroupErrorCode, string> = {
  GROUP_NOT_FOUND: 'WhatsApp knows no such group',
  GROUP_FORBIDDEN: 'the linked number is not a member of this group or lacks admin rights for this',
  GROUP_REQUEST_REFUSED: 'WhatsApp refused the group request',
};

/**
 * WhatsApp's answer code in a Baileys error: an `<error code>` in the IQ
 * answer arrives as a Boom whose `data` is the code (assertNodeErrorFree), or
 * whose `data` is the error node and statusCode the code (extractGroupMetadata).
 * Timeouts and closed connections carry neither: they are not refusals.
 */
export function whatsAppRefusal(err: unknown): GroupOperationError | undefined {
  if (!err || typeof err !== 'object' || !('isBoom' in err)) return undefined;
  const boom = err as { data?: unknown; output?: { statusCode?: number } };
  let code: number | undefined;
  if (typeof boom.data === 'number') code = boom.data;
  else if ((boom.data as { tag?: unknown } | undefined)?.tag === 'error') code = boom.output?.statusCode;
  if (code === undefined) return undefined;
  const ours = groupErrorCode(code);
  return new GroupOperationError(ours, MESSAGES[ours], code, { cause: err });
}

/** A group refusal as the host answers it (a group operation, or a send to a group); undefined otherwise. */
export function groupFailure(
  err: unknown,
): { status: 403 | 404 | 422; code: string; message: string } | undefined {
  const refusal = err instanceof GroupOperationError ? err : whatsAppRefusal(err);
  if (!refusal) return undefined;
  return { status: GROUP_ERROR_STATUS[refusal.code], code: refusal.code, message: refusal.message };
}
