import { z } from 'zod';
import { groupInfoSchema, participantResultSchema } from '../domain/groups.ts';
import type { ChatPresence, ContactCheck } from '../domain/message-content.ts';
import {
  AppError,
  type ErrorOptions,
  GroupForbiddenError,
  GroupNotFoundError,
  GroupRequestRefusedError,
  HostTimeoutError,
  HostUnreachableError,
  MediaNotFoundError,
  MediaTooLargeError,
  MediaTransfersBusyError,
  MediaTypeMismatchError,
  MediaUnavailableError,
  MediaUrlFailedError,
  MediaUrlRefusedError,
  NotOwnMessageError,
  RateLimitedError,
  SessionNotConnectedError,
} from '../errors/app-errors.ts';
import type { HostClient, HostMessage, HostReadReceipts, HostSendResult } from './host-client.ts';
import type { HostGroupCommand, HostGroupResult } from './host-groups.ts';

export interface HttpHostClientOptions {
  /** Internal credential the hosts accept; never a tenant's token. */
  readonly internalToken: string;
  /** Covers connect, headers and body; a dead host never holds a request longer. */
  readonly timeoutMs: number;
  /** Nudges are best effort (hosts reconcile on a timer), so they wait less; default min(timeoutMs, 1000). */
  readonly nudgeTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * The host's typed refusals of a media send (its `{error: {code, message}}`
 * body), passed on to the caller as the same API error: the host found what
 * the API could not check before (a URL's size or type, an upload gone since).
 */
type Refusal = (message: string, options: ErrorOptions & { retryAfterSeconds: number }) => AppError;
const MEDIA_REFUSALS: Readonly<Record<string, Refusal>> = {
  MEDIA_TOO_LARGE: (message, options) => new MediaTooLargeError(message, options),
  MEDIA_TYPE_MISMATCH: (message, options) => new MediaTypeMismatchError(message, options),
  MEDIA_NOT_FOUND: (_message, options) => new MediaNotFoundError(options),
  MEDIA_URL_REFUSED: (message, options) => new MediaUrlRefusedError(message, options),
  MEDIA_URL_FAILED: (message, options) => new MediaUrlFailedError(message, options),
  MEDIA_TRANSFERS_BUSY: (message, options) => new MediaTransfersBusyError(message, options),
  // Storage down, or a host deployed without a media bucket: the caller can only retry later.
  MEDIA_SOURCE_UNAVAILABLE: (message, options) => new MediaUnavailableError(message, options),
  MEDIA_NOT_CONFIGURED: (message, options) => new MediaUnavailableError(message, options),
  NOT_OWN_MESSAGE: (message, options) => new NotOwnMessageError(message, options),
  // The host paces contacts checks per session (WhatsApp restricts bulk lookups).
  RATE_LIMITED: (_message, options) =>
    new RateLimitedError('contactCheckRate', options.retryAfterSeconds, options),
  GROUP_NOT_FOUND: (message, options) => new GroupNotFoundError(message, options),
  GROUP_FORBIDDEN: (message, options) => new GroupForbiddenError(message, options),
  GROUP_REQUEST_REFUSED: (message, options) => new GroupRequestRefusedError(message, options),
};
/** Retry-After the host gave (seconds), bounded; 5 s when it gave none. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
const MAX_RETRY_AFTER_SECONDS = 300;
const MAX_HOST_MESSAGE = 300;
const hostErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

const sendResultSchema = z.object({
  messageId: z.string(),
  status: z.string(),
  // The message as sent (base64). Never a reason to fail a send that happened: markSent drops what is too large.
  content: z.string().optional().catch(undefined),
});
const pairingCodeSchema = z.object({ code: z.string().min(1) });
const GROUP_RESULT_SCHEMAS = {
  list: z.object({ groups: z.array(groupInfoSchema) }),
  read: z.object({ group: groupInfoSchema }),
  create: z.object({ group: groupInfoSchema }),
  participants: z.object({ participants: z.array(participantResultSchema) }),
  leave: z.object({ left: z.literal(true) }),
} as const satisfies Record<HostGroupCommand['op'], z.ZodType>;
const contactChecksSchema = z.object({
  contacts: z.array(
    z.object({
      number: z.string(),
      exists: z.boolean(),
      jid: z.string().optional(),
      lid: z.string().optional(),
    }),
  ),
});

/** HostClient over the hosts' internal HTTP endpoint. */
export class HttpHostClient implements HostClient {
  readonly #options: HttpHostClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: HttpHostClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  async sendMessage(endpoint: string, sessionId: string, message: HostMessage): Promise<HostSendResult> {
    const body = await this.#post(
      endpoint,
      `/internal/sessions/${encodeURIComponent(sessionId)}/messages`,
      message,
    );
    return parse(sendResultSchema, body);
  }

  async requestPairingCode(
    endpoint: string,
    sessionId: string,
    phoneNumber: string,
  ): Promise<{ code: string }> {
    const body = await this.#post(
      endpoint,
      `/internal/sessions/${encodeURIComponent(sessionId)}/pairing-code`,
      {
        phoneNumber,
      },
    );
    return parse(pairingCodeSchema, body);
  }

  async nudge(endpoint: string, sessionId: string): Promise<void> {
    await this.#post(
      endpoint,
      '/internal/nudge',
      { sessionId },
      this.#options.nudgeTimeoutMs ?? Math.min(this.#options.timeoutMs, 1000),
    );
  }

  async quiesce(endpoint: string, sessionId: string): Promise<void> {
    try {
      await this.#post(endpoint, `/internal/sessions/${encodeURIComponent(sessionId)}/quiesce`, {});
    } catch (err) {
      // A host without the route (older version mid-deploy) has not confirmed anything: retry later.
      if (err instanceof SessionNotConnectedError)
        throw new HostUnreachableError('session host could not confirm it stopped writing', { cause: err });
      throw err;
    }
  }

  async markRead(endpoint: string, sessionId: string, read: HostReadReceipts): Promise<void> {
    await this.#post(endpoint, `/internal/sessions/${encodeURIComponent(sessionId)}/read`, read);
  }

  async sendPresence(
    endpoint: string,
    sessionId: string,
    chat: string,
    presence: ChatPresence,
  ): Promise<void> {
    await this.#post(endpoint, `/internal/sessions/${encodeURIComponent(sessionId)}/presence`, {
      chat,
      presence,
    });
  }

  async checkContacts(
    endpoint: string,
    sessionId: string,
    numbers: readonly string[],
  ): Promise<ContactCheck[]> {
    const body = await this.#post(
      endpoint,
      `/internal/sessions/${encodeURIComponent(sessionId)}/contacts/check`,
      { numbers },
    );
    return parse(contactChecksSchema, body).contacts;
  }

  async groupCommand<C extends HostGroupCommand>(
    endpoint: string,
    sessionId: string,
    command: C,
  ): Promise<HostGroupResult<C>> {
    const { op, ...body } = command;
    const answer = await this.#post(
      endpoint,
      `/internal/sessions/${encodeURIComponent(sessionId)}/groups/${op}`,
      body,
    );
    return parse(GROUP_RESULT_SCHEMAS[op] as z.ZodType, answer) as HostGroupResult<C>;
  }

  async #post(
    endpoint: string,
    path: string,
    payload: unknown,
    timeoutMs = this.#options.timeoutMs,
  ): Promise<unknown> {
    const url = `${endpoint.replace(/\/+$/, '')}${path}`;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.#fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#options.internalToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(payload),
        signal,
      });
      const text = await response.text();
      const refusal =
        response.status >= 400 && response.status < 600
          ? mediaRefusal(response.status, text, response.headers.get('retry-after'))
          : undefined;
      if (refusal) throw refusal;
      if (response.status === 409 || response.status === 404) {
        throw new SessionNotConnectedError('the session is not connected on its host', {
          details: { hostStatus: response.status },
        });
      }
      if (!response.ok) {
        throw new HostUnreachableError(`session host answered ${response.status}`, {
          details: { hostStatus: response.status },
        });
      }
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch (cause) {
        throw new HostUnreachableError('session host answered with malformed JSON', { cause });
      }
    } catch (err) {
      // Answers of the host (not connected, a media refusal, a bad answer) are passed on as they are.
      if (err instanceof AppError) throw err;
      if (signal.aborted) {
        throw new HostTimeoutError(`session host did not answer within ${timeoutMs} ms`, {
          cause: err,
        });
      }
      throw new HostUnreachableError('session host unreachable', { cause: err });
    }
  }
}

function mediaRefusal(status: number, text: string, retryAfter: string | null): AppError | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = hostErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const make = MEDIA_REFUSALS[parsed.data.error.code];
  if (!make) return undefined;
  const message = (parsed.data.error.message ?? parsed.data.error.code).slice(0, MAX_HOST_MESSAGE);
  const seconds = Number(retryAfter);
  const retryAfterSeconds =
    Number.isInteger(seconds) && seconds > 0
      ? Math.min(seconds, MAX_RETRY_AFTER_SECONDS)
      : DEFAULT_RETRY_AFTER_SECONDS;
  return make(message, { details: { hostStatus: status }, retryAfterSeconds });
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new HostUnreachableError('session host answered with an unexpected body', {
    cause: result.error,
  });
}
