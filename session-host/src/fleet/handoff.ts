import type { Logger } from 'pino';
import { planTakeover } from '#commons/domain/lease.ts';
import type { ManagedSession } from '../runtime/managed-session.ts';
import type { DynamoDbHostRegistry } from '../storage/dynamodb-host-registry.ts';
import type { DynamoDbSessionOwnership } from '../storage/dynamodb-session-ownership.ts';

export interface HandoffDeps {
  readonly hostId: string;
  readonly sessions: ReadonlyMap<string, ManagedSession>;
  readonly registry: DynamoDbHostRegistry;
  readonly ownership: DynamoDbSessionOwnership;
  /** Tells the target host to claim the session now (best effort: it also reconciles on a timer). */
  readonly nudge: (endpoint: string, sessionId: string) => Promise<void>;
  readonly budgetMs: number;
  readonly concurrency: number;
  readonly logger: Logger;
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
  const deadline = Date.now() + deps.budgetMs;
  const nowSeconds = Date.now() / 1000;
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
      if (!target || Date.now() > deadline) {
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
