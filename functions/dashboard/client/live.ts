/**
 * One WebSocket per signed-in tab, shared by every page. `subscribe` hands a
 * listener a session's events in `seq` order, each once: what arrives before
 * the `subscribed` ack is sorted, repeats are dropped, a replay the server cut
 * short (`more`) is read through the REST API, a truncated event is fetched
 * whole, and after a reconnect the subscription resumes after the last `seq`.
 *
 * The token travels in the `Sec-WebSocket-Protocol` header (the one header a
 * browser may set), never in the URL, where proxies and access logs keep it.
 */
import { api } from './api.ts';
import { currentAuth, EXPIRED_MESSAGE, onAuthChange, signOut } from './auth.ts';
import { dashboardConfig } from './config.ts';
import { admit, orderEarly, resumeAfter } from './live-order.ts';

export interface LiveEvent {
  readonly v: number;
  readonly type: string;
  readonly sessionId: string;
  readonly seq: number;
  readonly eventId: string;
  readonly at: string;
  readonly data: Record<string, unknown>;
  /** The current state sent after a (re)subscribe; its seq is the log's last. */
  readonly snapshot?: boolean;
  readonly truncated?: boolean;
  readonly href?: string;
}

export type LiveState = 'connecting' | 'open' | 'closed';

/** The subprotocol the gateway selects; the second one offered carries the token. */
export const LIVE_PROTOCOL = 'zapfleet.v1';
const PING_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 30_000;

interface Listener {
  readonly onEvent: (event: LiveEvent) => void;
  /** The last seq handed to this listener. */
  cursor: number | undefined;
}

interface Subscription {
  readonly listeners: Set<Listener>;
  acked: boolean;
  early: LiveEvent[];
  /** Deliveries run one after another, so an awaited fetch cannot reorder them. */
  chain: Promise<void>;
}

const subs = new Map<string, Subscription>();
const stateListeners = new Set<(state: LiveState) => void>();
let socket: WebSocket | undefined;
let state: LiveState = 'closed';
let backoffMs = 1000;
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

function send(message: Record<string, unknown>): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function sendSubscribe(sessionId: string, sub: Subscription): void {
  sub.acked = false;
  sub.early = [];
  const after = resumeAfter([...sub.listeners].map((l) => l.cursor));
  send({ action: 'subscribe', sessionId, ...(after !== undefined && { after }) });
}

async function whole(event: LiveEvent): Promise<LiveEvent> {
  if (!event.truncated || !event.href) return event;
  const page = await api<{ events: LiveEvent[] }>('GET', event.href);
  return page.events.find((e) => e.seq === event.seq) ?? event;
}

/** Hands `event` to every listener that has not seen it. */
function emit(sub: Subscription, event: LiveEvent): void {
  for (const listener of sub.listeners) {
    const verdict = admit(listener.cursor, event);
    listener.cursor = verdict.cursor;
    if (verdict.deliver) listener.onEvent(event);
  }
}

function deliver(sub: Subscription, event: LiveEvent): void {
  sub.chain = sub.chain.then(async () => emit(sub, await whole(event))).catch(() => undefined);
}

/** Reads the log past a replay the server cut short, in the delivery chain, so nothing overtakes it. */
function readRest(sessionId: string, sub: Subscription, next: number): void {
  sub.chain = sub.chain
    .then(async () => {
      let after: number | undefined = next;
      while (after !== undefined) {
        const page: { events: LiveEvent[]; next?: number } = await api(
          'GET',
          `/v1/sessions/${encodeURIComponent(sessionId)}/events?after=${after}`,
        );
        for (const event of page.events) emit(sub, await whole(event));
        after = page.next;
      }
    })
    .catch(() => undefined);
}

function onAck(message: { sessionId: string; more?: boolean; next?: number }): void {
  const sub = subs.get(message.sessionId);
  if (!sub) return;
  const early = orderEarly(sub.early);
  sub.early = [];
  sub.acked = true;
  const next = message.more ? message.next : undefined;
  if (next === undefined) {
    for (const event of early) deliver(sub, event);
    return;
  }
  // The replay stopped at `next`: what it sent, then the rest of the log, then what raced it.
  for (const event of early) if (!event.snapshot && event.seq <= next) deliver(sub, event);
  readRest(message.sessionId, sub, next);
  for (const event of early) if (event.snapshot || event.seq > next) deliver(sub, event);
}

function onMessage(raw: string): void {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return;
  }
  if (message.type === 'subscribed') {
    onAck(message as { sessionId: string });
    return;
  }
  if (message.type === 'error') {
    if (message.code === 'TOKEN_EXPIRED') signOut(EXPIRED_MESSAGE);
    return;
  }
  if (typeof message.seq !== 'number' || typeof message.sessionId !== 'string') return;
  const sub = subs.get(message.sessionId);
  if (!sub) return;
  const event = message as unknown as LiveEvent;
  if (sub.acked) deliver(sub, event);
  else sub.early.push(event);
}

function scheduleReconnect(): void {
  if (reconnectTimer || subs.size === 0 || !currentAuth()) return;
  reconnectTimer = setTimeout(() => {
    reconnectTimer = undefined;
    connect();
  }, backoffMs);
  backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
}

function connect(): void {
  const auth = currentAuth();
  const { wsUrl } = dashboardConfig();
  if (!auth || !wsUrl || socket) return;
  setState('connecting');
  const ws = new WebSocket(wsUrl, [LIVE_PROTOCOL, `bearer.${auth.token}`]);
  socket = ws;
  ws.addEventListener('open', () => {
    backoffMs = 1000;
    setState('open');
    for (const [sessionId, sub] of subs) sendSubscribe(sessionId, sub);
    pingTimer = setInterval(() => send({ action: 'ping' }), PING_MS);
  });
  ws.addEventListener('message', (e) => onMessage(String(e.data)));
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    socket = undefined;
    clearInterval(pingTimer);
    setState('closed');
    scheduleReconnect();
  });
}

function disconnect(): void {
  clearTimeout(reconnectTimer);
  reconnectTimer = undefined;
  clearInterval(pingTimer);
  const ws = socket;
  socket = undefined;
  ws?.close(1000);
  if (state !== 'closed') setState('closed');
}

/**
 * Hands `onEvent` every event of `sessionId` after `after` (none: from now on,
 * after the current-state snapshot), in order, once each. Returns the unsubscribe.
 */
export function subscribe(
  sessionId: string,
  after: number | undefined,
  onEvent: (event: LiveEvent) => void,
): () => void {
  const listener: Listener = { onEvent, cursor: after };
  let sub = subs.get(sessionId);
  if (!sub) {
    sub = { listeners: new Set(), acked: false, early: [], chain: Promise.resolve() };
    subs.set(sessionId, sub);
  }
  sub.listeners.add(listener);
  if (socket?.readyState === WebSocket.OPEN) sendSubscribe(sessionId, sub);
  else connect();
  return () => {
    const current = subs.get(sessionId);
    if (!current) return;
    current.listeners.delete(listener);
    if (current.listeners.size > 0) return;
    subs.delete(sessionId);
    send({ action: 'unsubscribe', sessionId });
    if (subs.size === 0) disconnect();
  };
}

export function liveState(): LiveState {
  return state;
}

export function onLiveState(listener: (state: LiveState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

onAuthChange((auth) => {
  if (auth) return;
  subs.clear();
  disconnect();
});
