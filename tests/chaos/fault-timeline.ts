import { describeFault, type Fault } from './schedule.ts';

/** How long the faults may still run once traffic stopped; each lasts seconds, so past this one is stuck. */
export const FAULT_OVERRUN_MS = 120_000;
const REPORT_EVERY_MS = 30_000;

/**
 * Starts each fault of a schedule at its moment and keeps track of the ones
 * still running, so a fault step that never ends (a restart waiting on a
 * socket forever) fails the run by name instead of hanging it.
 */
export class FaultTimeline {
  applied = 0;
  private readonly running = new Set<Fault>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly runs: Promise<void>[];

  constructor(
    schedule: readonly Fault[],
    apply: (fault: Fault) => Promise<boolean>,
    private readonly log: (line: string) => void,
  ) {
    this.runs = schedule.map(
      (fault) =>
        new Promise<void>((resolve) => {
          this.timers.push(
            setTimeout(() => {
              this.running.add(fault);
              apply(fault)
                .then((ok) => {
                  if (ok) this.applied++;
                })
                .catch((err: Error) => log(`fault failed: ${describeFault(fault)}: ${err.message}`))
                .finally(() => {
                  this.running.delete(fault);
                  resolve();
                });
            }, fault.at),
          );
        }),
    );
  }

  /** Resolves once every fault ran; throws naming the ones still running after `overrunMs`. */
  async finish(overrunMs = FAULT_OVERRUN_MS): Promise<void> {
    const all = Promise.all(this.runs).then(() => true);
    const deadline = Date.now() + overrunMs;
    while (Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const report = new Promise<false>((r) => {
        timer = setTimeout(() => r(false), Math.min(REPORT_EVERY_MS, deadline - Date.now()));
      });
      const done = await Promise.race([all, report]);
      clearTimeout(timer);
      if (done) return;
      this.log(`faults still running: ${this.stuck().join('; ')}`);
    }
    throw new Error(`fault steps never ended (harness stuck): ${this.stuck().join('; ')}`);
  }

  /** Faults not started yet never start (a run that failed early). */
  cancel(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private stuck(): string[] {
    return [...this.running].map(describeFault);
  }
}
