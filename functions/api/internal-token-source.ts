import { INTERNAL_TOKEN_MIN_LENGTH } from '#commons/config/internal-token.ts';
import type { HostClient } from '#commons/hosts/host-client.ts';
import type { InternalTokenSource } from './api-config.ts';

/** Reads a secret's string value (Secrets Manager GetSecretValue in AWS). */
export type SecretReader = (secretArn: string) => Promise<string | undefined>;

export class InternalTokenUnavailableError extends Error {
  override readonly name = 'InternalTokenUnavailableError';
}

/**
 * The internal credential, read once: the secret fetch starts at cold start
 * and is cached; a failed fetch is forgotten so the next request tries again
 * rather than the Lambda failing until it is recycled.
 */
export function createInternalToken(
  source: InternalTokenSource,
  readSecret: SecretReader,
  onError: (err: unknown) => void = () => undefined,
): () => Promise<string> {
  if (source.kind === 'value') {
    const value = Promise.resolve(source.token);
    return () => value;
  }
  let pending: Promise<string> | undefined;
  const load = (): Promise<string> => {
    const attempt = readSecret(source.secretArn).then(
      (value) => {
        if (value === undefined || value.length < INTERNAL_TOKEN_MIN_LENGTH) {
          throw new InternalTokenUnavailableError(
            `the internal host credential secret has no string value of at least ${INTERNAL_TOKEN_MIN_LENGTH} characters`,
          );
        }
        return value;
      },
      (err: unknown) => {
        throw new InternalTokenUnavailableError('reading the internal host credential secret failed', {
          cause: err,
        });
      },
    );
    pending = attempt;
    // Handled here so a cold-start failure nobody awaited yet is not an unhandled rejection.
    attempt.catch((err: unknown) => {
      if (pending === attempt) pending = undefined;
      onError(err);
    });
    return attempt;
  };
  load();
  return () => pending ?? load();
}

/** A HostClient that builds the real one once the credential is known. */
export function hostClientWithToken(
  token: () => Promise<string>,
  build: (internalToken: string) => HostClient,
): HostClient {
  let client: { token: string; client: HostClient } | undefined;
  const get = async (): Promise<HostClient> => {
    const value = await token();
    if (client?.token !== value) client = { token: value, client: build(value) };
    return client.client;
  };
  return {
    sendMessage: async (endpoint, sessionId, message) =>
      (await get()).sendMessage(endpoint, sessionId, message),
    requestPairingCode: async (endpoint, sessionId, phoneNumber) =>
      (await get()).requestPairingCode(endpoint, sessionId, phoneNumber),
    nudge: async (endpoint, sessionId) => (await get()).nudge(endpoint, sessionId),
    quiesce: async (endpoint, sessionId) => (await get()).quiesce(endpoint, sessionId),
    markRead: async (endpoint, sessionId, read) => (await get()).markRead(endpoint, sessionId, read),
    sendPresence: async (endpoint, sessionId, chat, presence) =>
      (await get()).sendPresence(endpoint, sessionId, chat, presence),
    checkContacts: async (endpoint, sessionId, numbers) =>
      (await get()).checkContacts(endpoint, sessionId, numbers),
    groupCommand: async (endpoint, sessionId, command) =>
      (await get()).groupCommand(endpoint, sessionId, command),
  };
}
