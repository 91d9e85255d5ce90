import { seeded } from '../fleet/simulation/random.ts';
import type { ReceiverFailure } from './chaos-edges.ts';
import type { ProxyMode } from './chaos-proxy.ts';

/** One fault of a chaos run, at a moment counted from the start of traffic. */
export type Fault =
  | { readonly at: number; readonly kind: 'kill'; readonly slot: number; readonly restartAfterMs: number }
  | { readonly at: number; readonly kind: 'pause'; readonly slot: number; readonly forMs: number }
  | { readonly at: number; readonly kind: 'term'; readonly slot: number; readonly restartAfterMs: number }
  | {
      readonly at: number;
      readonly kind: 'dynamodb' | 's3';
      /** A host slot, or every host at once. */
      readonly slot: number | 'all';
      readonly mode: ProxyMode;
      readonly forMs: number;
    }
  | { readonly at: number; readonly kind: 'wa-drop' | 'wa-end'; readonly session: number }
  | { readonly at: number; readonly kind: 'ws-restart'; readonly downMs: number }
  | {
      readonly at: number;
      readonly kind: 'webhook-fail';
      readonly answer: ReceiverFailure;
      readonly forMs: number;
    };

export interface ScheduleOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly hosts: number;
  readonly sessions: number;
  /** How long a paused host stays paused at least: past its lease. */
  readonly leaseMs: number;
  readonly faultsPerMinute?: number;
}

const HOST_FAULTS = ['kill', 'pause', 'term'] as const;
const NETWORK_MODES = ['drop', 'delay', 'reset'] as const;
const RECEIVER_FAILURES = [500, 503, 'hang'] as const;
/** Faults stop this long before the end, so the last ones finish inside the run. */
const QUIET_TAIL_MS = 10_000;
/** A host slot hit by a process fault is left alone this long after it (its replacement starting). */
const HOST_COOLDOWN_MS = 12_000;

/**
 * Draws a run's faults from its seed: random kinds at random moments,
 * overlapping freely across hosts and services, never two process faults on
 * one host slot at once. Same seed and options, same schedule.
 */
export function drawSchedule(options: ScheduleOptions): Fault[] {
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number): number => Math.round(low + random() * (high - low));
  const meanGapMs = 60_000 / (options.faultsPerMinute ?? 6);
  const busyUntil = new Array<number>(options.hosts).fill(0);
  const faults: Fault[] = [];
  for (let at = between(3_000, meanGapMs); at < options.durationMs - QUIET_TAIL_MS; ) {
    const roll = random();
    if (roll < 0.4) {
      const slot = between(0, options.hosts - 1);
      const kind = pick(HOST_FAULTS);
      const length = kind === 'pause' ? options.leaseMs + between(1_000, 5_000) : between(500, 4_000);
      if ((busyUntil[slot] as number) <= at) {
        busyUntil[slot] = at + length + HOST_COOLDOWN_MS;
        faults.push(
          kind === 'pause' ? { at, kind, slot, forMs: length } : { at, kind, slot, restartAfterMs: length },
        );
      }
    } else if (roll < 0.7) {
      const kind = random() < 0.5 ? 'dynamodb' : 's3';
      const slot = random() < 0.25 ? 'all' : between(0, options.hosts - 1);
      const name = pick(NETWORK_MODES);
      const mode: ProxyMode = name === 'delay' ? { kind: name, ms: between(200, 1_500) } : { kind: name };
      faults.push({ at, kind, slot, mode, forMs: between(1_000, 6_000) });
    } else if (roll < 0.85) {
      faults.push({
        at,
        kind: random() < 0.5 ? 'wa-drop' : 'wa-end',
        session: between(0, options.sessions - 1),
      });
    } else if (roll < 0.92) {
      faults.push({ at, kind: 'ws-restart', downMs: between(200, 3_000) });
    } else {
      faults.push({
        at,
        kind: 'webhook-fail',
        answer: pick(RECEIVER_FAILURES),
        forMs: between(1_000, 6_000),
      });
    }
    at += between(meanGapMs / 2, (meanGapMs * 3) / 2);
  }
  return faults;
}

export function describeFault(f: Fault): string {
  const t = `t+${(f.at / 1000).toFixed(1)}s`;
  switch (f.kind) {
    case 'kill':
      return `${t} kill -9 host slot ${f.slot}, replacement after ${f.restartAfterMs} ms`;
    case 'term':
      return `${t} SIGTERM (handoff) host slot ${f.slot}, restart after ${f.restartAfterMs} ms`;
    case 'pause':
      return `${t} SIGSTOP host slot ${f.slot} for ${f.forMs} ms, then SIGCONT`;
    case 'dynamodb':
    case 's3':
      return `${t} ${f.kind} ${f.mode.kind}${f.mode.kind === 'delay' ? ` ${f.mode.ms} ms` : ''} for host ${f.slot} during ${f.forMs} ms`;
    case 'wa-drop':
      return `${t} WhatsApp drops session ${f.session}'s connection (428)`;
    case 'wa-end':
      return `${t} WhatsApp ends session ${f.session}'s stream (428)`;
    case 'ws-restart':
      return `${t} WebSocket gateway restarts, down ${f.downMs} ms`;
    case 'webhook-fail':
      return `${t} webhook receiver answers ${f.answer === 'hang' ? 'nothing (hangs)' : f.answer} for ${f.forMs} ms`;
  }
}
