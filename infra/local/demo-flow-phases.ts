/**
 * The phases of the complete flow (see demo-scenario.ts): link by QR, talk
 * both ways, restart without a new QR and log out. Each phase runs named
 * steps through the flow's step runner and returns what the next one needs.
 */
import {
  type ApiClient,
  type ControlClient,
  type EventStream,
  FlowError,
  type Json,
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
  /**
   * Register an in-process loopback receiver as a webhook first and check at
   * the end that it got every event of the session (the stack must allow
   * loopback http destinations: local mode does).
   */
  readonly webhook?: boolean | { readonly port?: number };
}

export interface FlowRun {
  readonly options: FlowOptions;
  readonly api: ApiClient;
  /** The fake's control API in scan mode; a human scans and writes otherwise. */
  readonly control: ControlClient | undefined;
  readonly events: EventStream;
  readonly step: <T>(name: string, run: () => Promise<T>, describe: (value: T) => string) => Promise<T>;
  readonly id: string;
  readonly path: string;
  readonly stepMs: number;
  readonly humanMs: number;
}

const isEvent =
  (sessionId: string, type: string, extra: (data: Json) => boolean = () => true) =>
  (m: Json): boolean =>
    m.sessionId === sessionId && m.type === type && m.snapshot !== true && extra((m.data ?? {}) as Json);

const dataOf = (m: Json): Json => (m.data ?? {}) as Json;

/** start → qr → (refreshed qr) → scan → session:connected; QRs are handed to `onQr` as they come. */
export async function linkByQr(run: FlowRun): Promise<{ qrSeqs: number[]; afterConnect: number }> {
  const { api, control, events, step, id, path, stepMs, options } = run;
  const qrSeqs: number[] = [];
  let qrsShown = 0;
  const showQrs = async (): Promise<void> => {
    const qrs = events.received.filter(isEvent(id, 'qr'));
    for (const m of qrs.slice(qrsShown)) await options.onQr?.(String(dataOf(m).qr), Number(dataOf(m).qrSeq));
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
    (m) => `seq ${m.seq}, qrSeq ${dataOf(m).qrSeq}, expires ${dataOf(m).expiresAt}`,
  );
  qrSeqs.push(Number(first.seq));
  await showQrs();
  if (control && (options.qrRefresh ?? true)) {
    const expiresIn = Date.parse(String(dataOf(first).expiresAt)) - Date.now();
    const newer = (m: Json): boolean =>
      isEvent(id, 'qr', (d) => Number(d.qrSeq) > Number(dataOf(first).qrSeq))(m) &&
      Number(m.seq) > Number(first.seq);
    const refreshed = await step(
      'refreshed qr',
      () => events.waitFor(newer, 'a refreshed qr with a higher seq', Math.max(expiresIn, 0) + stepMs),
      (m) => `seq ${m.seq}, qrSeq ${dataOf(m).qrSeq}`,
    );
    qrSeqs.push(Number(refreshed.seq));
    await showQrs();
  }
  if (control && options.scan) {
    const { phone } = options.scan;
    await step(
      'scan',
      async () => control.scan(String((await api.expect(200, 'GET', `${path}/qr`)).qr), phone),
      (device) => `linked ${device.jid}`,
    );
  } else {
    options.onPrompt?.('scan the QR above with WhatsApp > Linked devices > Link a device');
  }
  const connected = await step(
    'session:connected',
    async () => {
      const timer = control ? undefined : setInterval(() => void showQrs(), 250);
      try {
        return await events.waitFor(
          isEvent(id, 'session:connected'),
          'session:connected',
          control ? stepMs : run.humanMs,
        );
      } finally {
        if (timer) clearInterval(timer);
      }
    },
    (m) => `as ${JSON.stringify(dataOf(m).me)}`,
  );
  return { qrSeqs, afterConnect: events.received.indexOf(connected) };
}

/** A contact writes (or a human does), the event arrives, the API replies, the contact has the reply. */
export async function talk(
  run: FlowRun,
  afterConnect: number,
): Promise<{ incomingText: string; replyText: string; replyId: string }> {
  const { api, control, events, step, id, path, stepMs, options } = run;
  const wanted = `hello from the contact ${Math.random().toString(36).slice(2, 8)}`;
  if (control && options.scan) {
    const { phone, contact } = options.scan;
    await step(
      'contact sends a text',
      () => control.sendText(contact, phone, wanted),
      (r) => `${contact} → ${phone} id ${r.id}`,
    );
  } else {
    options.onPrompt?.('now send a WhatsApp text to the linked number from another phone');
  }
  const fromContact = isEvent(id, 'session:message', (d) =>
    control ? d.text === wanted && d.fromMe === false : d.fromMe === false,
  );
  const incoming = await step(
    'session:message',
    () =>
      events.waitFor(
        fromContact,
        'session:message with the text',
        control ? stepMs : run.humanMs,
        afterConnect,
      ),
    (m) => `${dataOf(m).chat}: ${JSON.stringify(dataOf(m).text)}`,
  );
  const replyTo = options.scan?.contact ?? String(dataOf(incoming).chat);
  const replyText = `reply from zapfleet ${Math.random().toString(36).slice(2, 8)}`;
  const sent = await step(
    'POST messages',
    () => api.expect(202, 'POST', `${path}/messages`, { to: replyTo, text: replyText }),
    (r) => `${r.messageId} ${r.status}`,
  );
  if (control && options.scan) {
    const { contact } = options.scan;
    const delivered = async () =>
      (await control.inbox(contact)).find((m) => m.id === sent.messageId && m.text === replyText);
    await step(
      "contact's inbox has it",
      () => poll(delivered, `${contact}'s inbox to hold ${sent.messageId}`, stepMs),
      (m) => `${m.id} ${JSON.stringify(m.text)}`,
    );
  }
  return { incomingText: String(dataOf(incoming).text), replyText, replyId: String(sent.messageId) };
}

/** stop → STOPPED → start → CONNECTED with no QR in between → logout → session:logged-out. */
export async function restartAndLogOut(run: FlowRun, afterConnect: number): Promise<void> {
  const { api, events, step, id, path, stepMs } = run;
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
      const qr = events.received.slice(afterStop, events.received.indexOf(again)).find(isEvent(id, 'qr'));
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
}
