import type { FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import type { ChaosEdges } from './chaos-edges.ts';
import type { ChaosFleet } from './chaos-fleet.ts';
import type { ChaosSession } from './chaos-traffic.ts';
import { describeFault, type Fault } from './schedule.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies one fault of the schedule to the real processes and resolves once
 * it is over (a killed host replaced, a paused one resumed, a proxy back to
 * pass). A fault whose target is not there (its host still starting) is
 * skipped and said so.
 */
export async function applyFault(
  fault: Fault,
  world: { fleet: ChaosFleet; fake: FakeWhatsApp; edges: ChaosEdges; sessions: readonly ChaosSession[] },
  log: (line: string) => void,
): Promise<boolean> {
  const { fleet, fake, sessions } = world;
  const what = describeFault(fault);
  if (fault.kind === 'ws-restart') {
    log(`applied ${what}`);
    const restarted = await world.edges.restartGateway(fault.downMs);
    if (!restarted) log(`skipped ${what}: a restart is already under way`);
    return restarted;
  }
  if (fault.kind === 'webhook-fail') {
    log(`applied ${what}`);
    await world.edges.failWebhooks(fault.answer, fault.forMs);
    return true;
  }
  if (fault.kind === 'wa-drop' || fault.kind === 'wa-end') {
    const session = sessions[fault.session];
    if (!session) return false;
    try {
      if (fault.kind === 'wa-drop') fake.dropConnection(session.device.jid);
      else fake.endStream(session.device.jid);
    } catch (err) {
      log(`skipped ${what}: ${(err as Error).message}`);
      return false;
    }
    log(`applied ${what}`);
    return true;
  }
  if (fault.kind === 'dynamodb' || fault.kind === 's3') {
    const proxies = fleet.proxies(fault.kind, fault.slot);
    for (const p of proxies) p.set(fault.mode);
    log(`applied ${what}`);
    await sleep(fault.forMs);
    for (const p of proxies) if (p.mode === fault.mode) p.set({ kind: 'pass' });
    return true;
  }
  return applyHostFault(fault as HostFault, fleet, what, log);
}

type HostFault = Extract<Fault, { kind: 'kill' | 'pause' | 'term' }>;

async function applyHostFault(
  fault: HostFault,
  fleet: ChaosFleet,
  what: string,
  log: (line: string) => void,
): Promise<boolean> {
  const host = fleet.slots[fault.slot];
  if (!host || !fleet.isLive(host.hostId)) {
    log(`skipped ${what}: the slot has no live host`);
    return false;
  }
  log(`applied ${what} (${host.hostId})`);
  const child = host.process.child;
  if (fault.kind === 'pause') {
    child.kill('SIGSTOP');
    host.paused = true;
    await sleep(fault.forMs);
    if (host.paused) child.kill('SIGCONT');
    host.paused = false;
    return true;
  }
  if (fault.kind === 'kill') {
    child.kill('SIGKILL');
    await host.process.exited;
  } else await host.process.stop(30_000, 'SIGTERM');
  await sleep(fault.restartAfterMs);
  const next = await fleet.start(fault.slot);
  log(`host slot ${fault.slot} back as ${next.hostId}`);
  return true;
}
