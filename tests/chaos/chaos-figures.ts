import type { Violation } from './history.ts';

/** The figures a chaos benchmark reports, summed over its runs. */
export interface ChaosFigures {
  seeds: number;
  faults: number;
  messages: number;
  lost: number;
  duplicated: number;
  doubleOwners: number;
  unrecovered: number;
  keyLoss: number;
  outOfOrder: number;
}

export function emptyFigures(): ChaosFigures {
  return {
    seeds: 0,
    faults: 0,
    messages: 0,
    lost: 0,
    duplicated: 0,
    doubleOwners: 0,
    unrecovered: 0,
    keyLoss: 0,
    outOfOrder: 0,
  };
}

const COUNTER = {
  lost: 'lost',
  'send-lost': 'lost',
  'seq-gap': 'lost',
  'webhook-missing': 'lost',
  duplicated: 'duplicated',
  'send-duplicated': 'duplicated',
  'double-owner': 'doubleOwners',
  unrecovered: 'unrecovered',
  'key-loss': 'keyLoss',
  'webhook-order': 'outOfOrder',
  'ws-missing': 'lost',
} as const satisfies Record<Violation['rule'], keyof ChaosFigures>;

/** Adds one run to the figures: each violation counts once, under its counter. */
export function addRun(
  figures: ChaosFigures,
  run: { faults: number; messages: number; violations: readonly Violation[] },
): ChaosFigures {
  const next = { ...figures, seeds: figures.seeds + 1 };
  next.faults += run.faults;
  next.messages += run.messages;
  for (const v of run.violations) next[COUNTER[v.rule]]++;
  return next;
}
