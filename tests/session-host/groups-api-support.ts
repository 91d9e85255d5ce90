/**
 * The public API wired to a real host for group tests: the API's HTTP host
 * client against the host's internal API (in process), Baileys, the fake
 * WhatsApp, one embedded AWS.
 */
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { createMediaRuntime } from '../../session-host/src/media/media-runtime.ts';
import type { ApiHarness } from '../api/support/api-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import type { HostHarness } from './host-harness.ts';

const TOKEN = 'internal-token-for-group-api-more-0123456';

export interface ApiEvent {
  seq: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
}

/** A linked session the API drives through its real host client; `withMedia` gives the host a media runtime. */
export async function linkedApiSession(
  h: HostHarness,
  api: ApiHarness,
  options: { withMedia?: boolean } = {},
) {
  const running = await h.startHost('host-1', {
    ...(options.withMedia && {
      media: (metrics, logger) =>
        createMediaRuntime({
          s3: h.aws.s3,
          bucket: h.aws.mediaBucket,
          destinations: 'loopback-http',
          caPem: h.fake.media.caPem,
          transfers: 4,
          transferTimeoutMs: 20_000,
          metrics,
          logger,
        }),
    }),
  });
  const sessionId = await h.createSession();
  const device = await h.link(sessionId);
  const internal = createInternalApi(running.host, running.metrics, TOKEN);
  const client = new HttpHostClient({
    internalToken: TOKEN,
    timeoutMs: 20_000,
    fetch: async (input, init) => internal.request(String(input), init as RequestInit),
  });
  api.hostClient.onNudge = () => running.host.reconcileSession(sessionId);
  api.hostClient.onSend = (m) => client.sendMessage('http://host', sessionId, m);
  api.hostClient.onGroup = (command) => client.groupCommand('http://host', sessionId, command);
  const token = await api.adminToken('acme');
  const members = ['Alice', 'Bob', 'Carol'].map((name) => h.fake.createUser({ name })) as [
    ReturnType<typeof h.fake.createUser>,
    ReturnType<typeof h.fake.createUser>,
    ReturnType<typeof h.fake.createUser>,
  ];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api.request(method, `/v1/sessions/${sessionId}${path}`, {
      token,
      ...(body !== undefined && { body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Every event of the session, read page by page through GET …/events. */
  const events = async (): Promise<ApiEvent[]> => {
    const all: ApiEvent[] = [];
    let after = 0;
    for (;;) {
      const page = await call('GET', `/events?after=${after}`);
      if (page.status !== 200) throw new Error(`events → ${page.status} ${JSON.stringify(page.body)}`);
      all.push(...(page.body.events as ApiEvent[]));
      if (page.body.next === undefined) return all;
      after = page.body.next as number;
    }
  };
  const waitForApiEvent = (accept: (e: ApiEvent) => boolean, what: string) =>
    waitFor(
      async () => (await events()).find(accept),
      () => what,
      20_000,
      50,
    );
  return { running, sessionId, device, token, members, call, events, waitForApiEvent };
}

export const errorCode = (body: Record<string, unknown>) =>
  (body.error as { code?: string } | undefined)?.code;
