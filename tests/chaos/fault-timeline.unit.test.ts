import { describe, expect, it } from 'vitest';
import { FaultTimeline } from './fault-timeline.ts';
import type { Fault } from './schedule.ts';

const drop = (at: number, session: number): Fault => ({ at, kind: 'wa-drop', session });

describe('the chaos fault timeline', () => {
  it('runs each fault at its moment and counts the ones that applied', async () => {
    const started: number[] = [];
    const timeline = new FaultTimeline(
      [drop(5, 0), drop(1, 1), drop(3, 2)],
      async (f) => {
        started.push((f as { session: number }).session);
        return f.at !== 3;
      },
      () => undefined,
    );
    await timeline.finish(5_000);
    expect(started).toEqual([1, 2, 0]);
    expect(timeline.applied).toBe(2);
  });

  it('fails the run naming a fault step that never ends, instead of waiting for it forever', async () => {
    const lines: string[] = [];
    const timeline = new FaultTimeline(
      [drop(1, 0), drop(2, 7)],
      (f) =>
        (f as { session: number }).session === 7
          ? new Promise<boolean>(() => undefined)
          : Promise.resolve(true),
      (l) => lines.push(l),
    );
    await new Promise((r) => setTimeout(r, 20));
    await expect(timeline.finish(50)).rejects.toThrow(/never ended.*session 7/);
    expect(lines.join('\n')).toMatch(/still running: .*session 7/);
    expect(timeline.applied).toBe(1);
  });

  it('cancels the faults not started yet', async () => {
    let started = 0;
    const timeline = new FaultTimeline(
      [drop(30, 0)],
      async () => ++started > 0,
      () => undefined,
    );
    timeline.cancel();
    await new Promise((r) => setTimeout(r, 60));
    expect(started).toBe(0);
  });
});
