import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV } from '#commons/config/env-names.ts';
import { composeApi } from '../../functions/api/compose.ts';
import { ensureLocalSecrets } from '../../infra/local/local-secrets.ts';
import { startLocalWebSocketApi } from '../../infra/local/local-ws-gateway.ts';
import { signLocalToken } from '../../infra/local/token.ts';
import {
  type LocalWebhookDispatcher,
  startLocalWebhookDispatcher,
} from '../../infra/local/webhook-dispatcher.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import type { LocalWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import type { TestAws } from '../support/aws.ts';
import { ChaosSubscriber } from './chaos-subscriber.ts';
import type { WebhookHistory } from './history.ts';

export const CHAOS_TENANT = 'acme';
/** Retries outlast the longest receiver outage a schedule draws (6 s), so nothing is dead-lettered. */
const WEBHOOK_RETRY_DELAYS_MS = '500,1000,2000,4000,8000,16000';

/** What a webhook receiver answers while failing: an error status, or no answer at all. */
export type ReceiverFailure = 500 | 503 | 'hang';

/**
 * The system's edges in a chaos run, each the real component: the HTTP API
 * (the composition the Lambda runs) taking the sends, the WebSocket gateway
 * the hosts push to (restartable on its port), a resuming subscriber per
 * session on it, and the webhook dispatcher delivering the whole event log to
 * a verifying receiver that can be made to fail.
 */
export class ChaosEdges {
  readonly subscribers: ChaosSubscriber[] = [];
  private receiverFailure: { failure: ReceiverFailure } | undefined;
  private restarting = false;

  private constructor(
    private readonly env: Record<string, string>,
    private readonly stateDir: string,
    private readonly api: ReturnType<typeof composeApi>['app'],
    private readonly token: string,
    private gateway: LocalWebSocketGateway,
    private readonly port: number,
    private readonly dispatcher: LocalWebhookDispatcher,
    private readonly receiver: WebhookReceiver,
    private readonly log: (line: string) => void,
  ) {}

  static async start(aws: TestAws, log: (line: string) => void): Promise<ChaosEdges> {
    const stateDir = mkdtempSync(join(tmpdir(), 'zapfleet-chaos-'));
    const env: Record<string, string> = {
      ...aws.env,
      ...ensureLocalSecrets(stateDir),
      [ENV.webhookDestinations]: 'loopback-http',
      [ENV.webhookRetryDelaysMs]: WEBHOOK_RETRY_DELAYS_MS,
      [ENV.webhookTimeoutMs]: '2000',
      [ENV.webhookLeaseMs]: '3000',
      [ENV.webhookSweepIntervalMs]: '250',
      [ENV.logLevel]: 'error',
    };
    const runtimeEnv = { ...process.env, ...env };
    const { app } = composeApi(runtimeEnv);
    const token = await signLocalToken(
      stateDir,
      { tenant: CHAOS_TENANT, role: 'ADMIN', ttlSeconds: 24 * 3600 },
      runtimeEnv,
    );
    const gateway = await startLocalWebSocketApi(0, env, () => undefined);
    const port = Number(new URL(gateway.url).port);
    const receiver = await startWebhookReceiver({ secrets: [] });
    const dispatcher = await startLocalWebhookDispatcher(runtimeEnv);
    const edges = new ChaosEdges(env, stateDir, app, token, gateway, port, dispatcher, receiver, log);
    receiver.respond = () => edges.receiverFailure?.failure ?? 204;
    await edges.registerWebhook();
    return edges;
  }

  /** What the hosts need to push to this gateway and be nudged by this API. */
  hostEnv(): Record<string, string> {
    return {
      [ENV.wsManagementEndpoint]: this.gateway.managementEndpoint,
      [ENV.internalToken]: this.env[ENV.internalToken] as string,
    };
  }

  /** A send through the public API; its WhatsApp message id once answered 202, else undefined (said why). */
  async send(sessionId: string, to: string, text: string): Promise<string | undefined> {
    const res = await this.request('POST', `/v1/sessions/${sessionId}/messages`, { to, text });
    const body = (await res.json()) as { messageId?: string; code?: string };
    if (res.status === 202 && body.messageId) return body.messageId;
    this.log(`API send refused: ${res.status} ${body.code ?? ''}`);
    return undefined;
  }

  /** One subscriber per session, from seq 0 on. */
  subscribe(sessionIds: readonly string[]): void {
    for (const id of sessionIds) {
      const s = new ChaosSubscriber(this.gateway.url, this.token, id, this.log);
      this.subscribers.push(s);
      s.start();
    }
  }

  /**
   * Stops the gateway (every connection dropped, pushes refused), then starts it again on its
   * port. False when a restart is already under way.
   */
  async restartGateway(downMs: number): Promise<boolean> {
    if (this.restarting) return false;
    this.restarting = true;
    try {
      await this.gateway.stop();
      await new Promise((r) => setTimeout(r, downMs));
      this.gateway = await startLocalWebSocketApi(this.port, this.env, () => undefined);
      return true;
    } finally {
      this.restarting = false;
    }
  }

  /** The receiver answers `failure` to every delivery for `forMs` (a later failure's window wins). */
  async failWebhooks(failure: ReceiverFailure, forMs: number): Promise<void> {
    const mine = { failure };
    this.receiverFailure = mine;
    await new Promise((r) => setTimeout(r, forMs));
    if (this.receiverFailure === mine) this.receiverFailure = undefined;
  }

  /** Every event the receiver acknowledged with a verified signature, in arrival order. */
  webhooksReceived(): WebhookHistory['received'] {
    return this.receiver.acknowledged
      .filter((d) => d.verified)
      .map((d) => ({
        sessionId: String(d.event.sessionId),
        eventId: d.id,
        at: Math.round(performance.timeOrigin + d.receivedAt),
      }));
  }

  heal(): void {
    this.receiverFailure = undefined;
  }

  async dispose(): Promise<void> {
    await Promise.allSettled(this.subscribers.map((s) => s.stop()));
    await this.dispatcher.stop().catch(() => undefined);
    await this.receiver.close().catch(() => undefined);
    await this.gateway.stop().catch(() => undefined);
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private async request(method: string, path: string, body: unknown): Promise<Response> {
    return await this.api.fetch(
      new Request(`http://chaos.local${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  }

  private async registerWebhook(): Promise<void> {
    const res = await this.request('POST', '/v1/webhooks', {
      url: this.receiver.url,
      events: ['*'],
      description: 'chaos run',
    });
    const body = (await res.json()) as { secret?: string; secrets?: { secret: string }[]; code?: string };
    const secret = body.secret ?? body.secrets?.[0]?.secret;
    if (res.status !== 201 || !secret) throw new Error(`webhook registration: ${res.status} ${body.code}`);
    this.receiver.secrets = [secret];
  }
}
