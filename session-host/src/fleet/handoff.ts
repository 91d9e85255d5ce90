import type { Logger } from 'pino';
import type { Clock } from '#commons/domain/clock.ts';
import { planTakeover } from '#commons/domain/lease.ts';
import type { SessionOwnership } from '#commons/domain/session-ownership.ts';
import type { HostRegistry } from '#commons/hosts/host-registry.ts';
import { systemClock } from '#commons/runtime/system-clock.ts';

/** What a handoff needs of a running session: close it without logging out, and its fence. */
export interface HandedSession {
  readonly sessionId: string;
  readonly epoch: number;
  end(mode: 'release'): Promise<void>;
}

export interface HandoffDeps {
  readonly hostId: string;
  readonly sessions: ReadonlyMap<string, HandedSession>;
  readonly registry: Pick<HostRegistry, 'all'>;
  readonly ownership: Pick<SessionOwnership, 'release'>;
  /** Tells the target host to claim the session now (best effort: it also reconciles on a timer). */
  readonly nudge: (endpoint: string, sessionId: string) => Promise<void>;
  readonly budgetMs: number;
  readonly concurrency: number;
  readonly logger: Logger;
  /** Wall time for the budget and peers' lease expiry; the system clock unless a simulation drives it. */
  readonly clock?: Clock;
}

export interface HandoffResult {
  readonly handed: number;
  /** Closed but left assigned here: peers take them over once this host is marked gone. */
  readonly kept: number;
}

/**
 * Graceful exit: each session is flushed and its socket closed without
 * logging out, then released to a live peer with epoch + 1 (so nothing this
 * host still does can land) and the peer is nudged to claim it at once.
 */
export async function handOff(deps: HandoffDeps): Promise<HandoffResult> {
  const clock = deps.clock ?? systemClock;
  const deadline = clock.wallNow() + deps.budgetMs;
  const nowSeconds = clock.wallNow() / 1000;
  const peers = (await deps.registry.all().catch(() => [])).filter(
    (r) => r.hostId !== deps.hostId && !r.gone && !r.draining && r.expiresAt > nowSeconds,
  );
  const endpoints = new Map(peers.map((p) => [p.hostId, p.endpoint]));
  const plan = planTakeover(
    [...deps.sessions.keys()],
    peers.map((p) => ({ hostId: p.hostId, load: p.load, capacity: p.capacity })),
  );
  const queue = [...deps.sessions.values()];
  let handed = 0;
  let kept = 0;
  const worker = async (): Promise<void> => {
    for (let session = queue.shift(); session; session = queue.shift()) {
      await session.end('release');
      const target = plan.get(session.sessionId);
      if (!target || clock.wallNow() > deadline) {
        kept++;
        continue;
      }
      try {
        await deps.ownership.release(
          session.sessionId,
          { hostId: deps.hostId, epoch: session.epoch },
          target,
        );
        handed++;
        void deps
          .nudge(endpoints.get(target) as string, session.sessionId)
          .catch((err: unknown) =>
            deps.logger.warn({ err, target, sessionId: session?.sessionId }, 'handoff nudge failed'),
          );
      } catch (err) {
        kept++;
        deps.logger.warn({ err, sessionId: session.sessionId }, 'handoff release failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
  deps.logger.info({ handed, kept, peers: peers.length }, 'handoff finished');
  return { handed, kept };
}
