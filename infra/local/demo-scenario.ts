/**
 * The complete flow of one session, through public interfaces only: create →
 * subscribe → start → qr → refreshed qr → scan → connected → incoming text →
 * reply → stop → start (no new QR) → logout. `npm run flow` prints it; the
 * end-to-end test runs it for two tenants at once. With `webhook`, a loopback
 * receiver is registered first and must have got every event at the end.
 */
import {
  createApiClient,
  createControlClient,
  FlowError,
  type Json,
  openEventStream,
} from './demo-clients.ts';
import {
  type FlowOptions,
  type FlowRun,
  type FlowStep,
  linkByQr,
  restartAndLogOut,
  talk,
} from './demo-flow-phases.ts';

import {
  type FlowDeliveries,
  type FlowWebhook,
  flowDeliveries,
  registerFlowWebhook,
} from './flow-webhook.ts';

export type { FlowOptions, FlowStep };

export interface FlowResult {
  readonly sessionId: string;
  readonly steps: readonly FlowStep[];
  /** Every message the subscriber received, in order. */
  readonly received: readonly Json[];
  readonly qrSeqs: readonly number[];
  readonly incomingText: string;
  readonly replyText: string;
  readonly replyId: string;
  /** With `webhook`: what its receiver got of the session. */
  readonly webhook?: FlowDeliveries;
}

/** Runs one named step: its time and a one-line detail are recorded and reported. */
function stepRunner(options: FlowOptions, steps: FlowStep[]): FlowRun['step'] {
  return async (name, run, describe) => {
    const started = performance.now();
    let value: Awaited<ReturnType<typeof run>>;
    try {
      value = await run();
    } catch (err) {
      throw new FlowError(`step "${name}" failed: ${(err as Error).message}`, { cause: err });
    }
    const done: FlowStep = { name, ms: Math.round(performance.now() - started), detail: describe(value) };
    steps.push(done);
    options.onStep?.(done);
    return value;
  };
}

export async function runCompleteFlow(options: FlowOptions): Promise<FlowResult> {
  const api = createApiClient(options.apiUrl, options.token);
  const steps: FlowStep[] = [];
  const step = stepRunner(options, steps);
  const wanted = options.webhook;
  const webhook = wanted
    ? await step(
        'register webhook',
        () => registerFlowWebhook(api, wanted === true ? {} : wanted),
        (w) => `${w.endpointId} → ${w.url}`,
      )
    : undefined;
  try {
    return await flowWithSession(options, api, step, steps, webhook);
  } finally {
    await webhook?.close();
  }
}

async function flowWithSession(
  options: FlowOptions,
  api: FlowRun['api'],
  step: FlowRun['step'],
  steps: FlowStep[],
  webhook: FlowWebhook | undefined,
): Promise<FlowResult> {
  const stepMs = options.stepTimeoutMs ?? 10_000;
  const session = await step(
    'create session',
    () => api.expect(201, 'POST', '/v1/sessions', { name: options.sessionName ?? 'flow' }),
    (s) => `${s.id} status ${s.status}`,
  );
  const id = String(session.id);
  const events = await step(
    'connect WebSocket and subscribe',
    async () => {
      const stream = await openEventStream(options.wsUrl, options.token);
      await stream.subscribe(id, stepMs);
      return stream;
    },
    () => 'subscribed',
  );
  const run: FlowRun = {
    options,
    api,
    control: options.scan && createControlClient(options.scan.controlUrl),
    events,
    step,
    id,
    path: `/v1/sessions/${encodeURIComponent(id)}`,
    stepMs,
    humanMs: options.humanTimeoutMs ?? 180_000,
  };
  try {
    const { qrSeqs, afterConnect } = await linkByQr(run);
    const chat = await talk(run, afterConnect);
    await restartAndLogOut(run, afterConnect);
    const delivered =
      webhook &&
      (await step(
        'webhook received the flow',
        () => flowDeliveries(api, webhook, id, stepMs * 3),
        (d) => `${d.count} deliveries verified by standardwebhooks, seq 1..${d.lastSeq} in order`,
      ));
    return {
      sessionId: id,
      steps,
      received: events.received,
      qrSeqs,
      ...chat,
      ...(delivered && { webhook: delivered }),
    };
  } finally {
    await events.close();
  }
}
