/**
 * The complete flow of one session, through public interfaces only: create →
 * subscribe → start → qr → refreshed qr → scan → connected → incoming text →
 * reply → stop → start (no new QR) → logout. `npm run flow` prints it; the
 * end-to-end test runs it for two tenants at once.
 */
import {
  createApiClient,
  createControlClient,
  type EventStream,
  FlowError,
  type Json,
  openEventStream,
  poll,
} from './demo-clients.ts';

export interface FlowStep {
  readonly name: string;
  readonly ms: number;
  readonly detail: string;
}

export interface FlowOptions {
  readonly apiUrl: string;
  readonly wsUrl: string;
  readonly token: string;
  readonly sessionName?: string;
  /** Scan and chat through the demo's fake control API; without it a human scans and writes. */
  readonly scan?: { readonly controlUrl: string; readonly phone: string; readonly contact: string };
  /** Wait for a refreshed QR before scanning (as long as the host's QR lifetime); scan mode only. */
  readonly qrRefresh?: boolean;
  /** Called with every QR (human mode draws it). */
  readonly onQr?: (qr: string, qrSeq: number) => void | Promise<void>;
  readonly onStep?: (step: FlowStep) => void;
  /** What a human should do next (human mode only). */
  readonly onPrompt?: (text: string) => void;
  /** How long a human gets to scan or write; default 3 min. */
  readonly humanTimeoutMs?: number;
  /** Default 10 s per step (plus the QR lifetime for the refresh). */
  readonly stepTimeoutMs?: number;
}

export interface FlowResult {
  readonly sessionId: string;
  readonly steps: readonly FlowStep[];
  /** Every message the subscriber received, in order. */
  readonly received: readonly Json[];
  readonly qrSeqs: readonly number[];
  readonly incomingText: string;
  readonly replyText: string;
  readonly replyId: string;
}

const isEvent =
  (sessionId: string, type: string, extra: (data: Json) => boolean = () => true) =>
  (m: Json): boolean =>
    m.sessionId === sessionId && m.type === type && m.snapshot !== true && extra((m.data ?? {}) as Json);

export async function runCompleteFlow(options: FlowOptions): Promise<FlowResult> {
  const api = createApiClient(options.apiUrl, options.token);
  const control = options.scan && createControlClient(options.scan.controlUrl);
  const stepMs = options.stepTimeoutMs ?? 10_000;
  const humanMs = options.humanTimeoutMs ?? 180_000;
  const steps: FlowStep[] = [];
  const step = async <T>(name: string, run: () => Promise<T>, describe: (value: T) => string): Promise<T> => {
    const started = performance.now();
    let value: T;
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

  const session = await step(
    'create session',
    () => api.expect(201, 'POST', '/v1/sessions', { name: options.sessionName ?? 'flow' }),
    (s) => `${s.id} status ${s.status}`,
  );
  const id = String(session.id);
  const path = `/v1/sessions/${encodeURIComponent(id)}`;
  const events: EventStream = await step(
    'connect WebSocket and subscribe',
    async () => {
      const stream = await openEventStream(options.wsUrl, options.token);
      await stream.subscribe(id, stepMs);
      return stream;
    },
    () => 'subscribed',
  );
  try {
    const qrSeqs: number[] = [];
    let qrsShown = 0;
    const showQrs = async (): Promise<void> => {
      const qrs = events.received.filter(isEvent(id, 'qr'));
      for (const m of qrs.slice(qrsShown)) {
        const data = m.data as Json;
        await options.onQr?.(String(data.qr), Number(data.qrSeq));
      }
      qrsShown = qrs.length;
    };
    await step(
      'start',
      () => api.expect(202, 'POST', `${path}/start`),
      (s) => `status ${s.status}`,
    );
    const first = await step(
      'qr',
      () => events.waitFor(isEvent(id, 'qr'), 'the first qr event', stepMs),
      (m) => `seq ${m.seq}, qrSeq ${(m.data as Json).qrSeq}, expires ${(m.data as Json).expiresAt}`,
    );
    qrSeqs.push(Number(first.seq));
    await showQrs();
    if (control && (options.qrRefresh ?? true)) {
      const expiresIn = Date.parse(String((first.data as Json).expiresAt)) - Date.now();
      const refreshed = await step(
        'refreshed qr',
        () =>
          events.waitFor(
            (m) =>
              isEvent(id, 'qr', (d) => Number(d.qrSeq) > Number((first.data as Json).qrSeq))(m) &&
              Number(m.seq) > Number(first.seq),
            'a refreshed qr with a higher seq',
            Math.max(expiresIn, 0) + stepMs,
          ),
        (m) => `seq ${m.seq}, qrSeq ${(m.data as Json).qrSeq}`,
      );
      qrSeqs.push(Number(refreshed.seq));
      await showQrs();
    }

    if (control && options.scan) {
      const { phone } = options.scan;
      await step(
        'scan',
        async () => {
          const qr = await api.expect(200, 'GET', `${path}/qr`);
          return control.scan(String(qr.qr), phone);
        },
        (device) => `linked ${device.jid}`,
      );
    } else {
      options.onPrompt?.('scan the QR above with WhatsApp > Linked devices > Link a device');
    }
    const connectedTimeout = control ? stepMs : humanMs;
    const connected = await step(
      'session:connected',
      async () => {
        const timer = control ? undefined : setInterval(() => void showQrs(), 250);
        try {
          return await events.waitFor(
            isEvent(id, 'session:connected'),
            'session:connected',
            connectedTimeout,
          );
        } finally {
          if (timer) clearInterval(timer);
        }
      },
      (m) => `as ${JSON.stringify((m.data as Json).me)}`,
    );
    const afterConnect = events.received.indexOf(connected);

    const incomingText = `hello from the contact ${Math.random().toString(36).slice(2, 8)}`;
    if (control && options.scan) {
      const { phone, contact } = options.scan;
      await step(
        'contact sends a text',
        () => control.sendText(contact, phone, incomingText),
        (r) => `${contact} → ${phone} id ${r.id}`,
      );
    } else {
      options.onPrompt?.('now send a WhatsApp text to the linked number from another phone');
    }
    const incoming = await step(
      'session:message',
      () =>
        events.waitFor(
          isEvent(id, 'session:message', (d) =>
            control ? d.text === incomingText && d.fromMe === false : d.fromMe === false,
          ),
          'session:message with the text',
          control ? stepMs : humanMs,
          afterConnect,
        ),
      (m) => `${(m.data as Json).chat}: ${JSON.stringify((m.data as Json).text)}`,
    );
    const replyTo = options.scan?.contact ?? String((incoming.data as Json).chat);
    const replyText = `reply from zapfleet ${Math.random().toString(36).slice(2, 8)}`;
    const sent = await step(
      'POST messages',
      () => api.expect(201, 'POST', `${path}/messages`, { to: replyTo, text: replyText }),
      (r) => `${r.messageId} ${r.status}`,
    );
    if (control && options.scan) {
      const { contact } = options.scan;
      await step(
        "contact's inbox has it",
        () =>
          poll(
            async () =>
              (await control.inbox(contact)).find((m) => m.id === sent.messageId && m.text === replyText),
            `${contact}'s inbox to hold ${sent.messageId}`,
            stepMs,
          ),
        (m) => `${m.id} ${JSON.stringify(m.text)}`,
      );
    }

    await step(
      'stop',
      () => api.expect(202, 'POST', `${path}/stop`),
      (s) => `status ${s.status}`,
    );
    const stopped = await step(
      'session:status STOPPED',
      () =>
        events.waitFor(
          isEvent(id, 'session:status', (d) => d.status === 'STOPPED'),
          'session:status STOPPED',
          stepMs,
          afterConnect,
        ),
      (m) => `seq ${m.seq}`,
    );
    const afterStop = events.received.indexOf(stopped);
    await step(
      'start again',
      () => api.expect(202, 'POST', `${path}/start`),
      (s) => `status ${s.status}`,
    );
    await step(
      'CONNECTED without a new QR',
      async () => {
        const again = await events.waitFor(
          isEvent(id, 'session:connected'),
          'session:connected after the restart',
          stepMs,
          afterStop,
        );
        const between = events.received.slice(afterStop, events.received.indexOf(again));
        const qr = between.find(isEvent(id, 'qr'));
        if (qr) throw new FlowError(`a new QR came before reconnecting: seq ${qr.seq}`);
        const view = await api.expect(200, 'GET', path);
        if (view.status !== 'CONNECTED') throw new FlowError(`GET says ${view.status}, expected CONNECTED`);
        return again;
      },
      (m) => `seq ${m.seq}`,
    );
    await step(
      'logout',
      () => api.expect(202, 'POST', `${path}/logout`),
      (s) => `status ${s.status}`,
    );
    await step(
      'session:logged-out',
      () => events.waitFor(isEvent(id, 'session:logged-out'), 'session:logged-out', stepMs, afterStop),
      (m) => `seq ${m.seq}`,
    );
    return {
      sessionId: id,
      steps,
      received: events.received,
      qrSeqs,
      incomingText: String((incoming.data as Json).text),
      replyText,
      replyId: String(sent.messageId),
    };
  } finally {
    await events.close();
  }
}
