import { describe, expect, it } from 'vitest';
import {
  decideReconcile,
  type LocalSession,
  needsAttention,
  type ReconcileAction,
  type ReconcileRecord,
} from '#commons/domain/reconcile-decision.ts';

const ME = 'host-a';
const rec = (over: Partial<ReconcileRecord> = {}): ReconcileRecord => ({
  ownerHostId: ME,
  epoch: 3,
  desired: 'RUNNING',
  status: 'CONNECTED',
  ...over,
});
const here = (over: Partial<LocalSession> = {}): LocalSession => ({
  epoch: 3,
  restartToken: undefined,
  ...over,
});

const cases: {
  name: string;
  record: ReconcileRecord | undefined;
  local?: LocalSession;
  load?: number;
  fenceLocal: boolean;
  action: ReconcileAction;
}[] = [
  {
    name: 'record gone, running here',
    record: undefined,
    local: here(),
    fenceLocal: false,
    action: 'unlink',
  },
  { name: 'record gone, not here', record: undefined, fenceLocal: false, action: 'unlink' },
  {
    name: 'being deleted',
    record: rec({ ownerHostId: '~deleting', deleting: true, epoch: 4 }),
    local: here(),
    fenceLocal: false,
    action: 'unlink',
  },
  {
    name: 'owned by a peer, running here',
    record: rec({ ownerHostId: 'b' }),
    local: here(),
    fenceLocal: true,
    action: 'ignore',
  },
  {
    name: 'owned by a peer, not here',
    record: rec({ ownerHostId: 'b' }),
    fenceLocal: false,
    action: 'ignore',
  },
  {
    name: 'mine at a newer epoch: fence the old run, start again',
    record: rec({ epoch: 5 }),
    local: here(),
    fenceLocal: true,
    action: 'start',
  },
  {
    name: 'logout requested, running here',
    record: rec({ logoutRequested: true }),
    local: here(),
    fenceLocal: false,
    action: 'logout',
  },
  {
    name: 'logout requested, not here',
    record: rec({ logoutRequested: true }),
    fenceLocal: false,
    action: 'logout-idle',
  },
  {
    name: 'logout beats a stop',
    record: rec({ logoutRequested: true, desired: 'STOPPED' }),
    local: here(),
    fenceLocal: false,
    action: 'logout',
  },
  { name: 'running as it should', record: rec(), local: here(), fenceLocal: false, action: 'keep' },
  {
    name: 'restart requested since this run began',
    record: rec({ restartRequested: 'r2' }),
    local: here({ restartToken: 'r1' }),
    fenceLocal: false,
    action: 'restart',
  },
  { name: 'should run, not here', record: rec(), fenceLocal: false, action: 'start' },
  { name: 'should run, host full', record: rec(), load: 10, fenceLocal: false, action: 'hand-back' },
  {
    name: 'full host replacing its own fenced run',
    record: rec({ epoch: 5 }),
    local: here(),
    load: 10,
    fenceLocal: true,
    action: 'start',
  },
  {
    name: 'should stop, running here',
    record: rec({ desired: 'STOPPED' }),
    local: here(),
    fenceLocal: false,
    action: 'stop',
  },
  {
    name: 'should stop, left CONNECTED by a dead run',
    record: rec({ desired: 'STOPPED', status: 'CONNECTED' }),
    fenceLocal: false,
    action: 'adopt',
  },
  {
    name: 'should stop, left QR by a dead run',
    record: rec({ desired: 'STOPPED', status: 'QR' }),
    fenceLocal: false,
    action: 'adopt',
  },
  {
    name: 'stopped and not here',
    record: rec({ desired: 'STOPPED', status: 'STOPPED' }),
    fenceLocal: false,
    action: 'idle',
  },
  {
    name: 'failed and not here',
    record: rec({ desired: 'STOPPED', status: 'FAILED' }),
    fenceLocal: false,
    action: 'idle',
  },
];

describe('reconcile decision', () => {
  it.each(cases)('$name → $action', ({ record, local, load, fenceLocal, action }) => {
    expect(decideReconcile({ hostId: ME, record, local, load: load ?? 1, capacity: 10 })).toEqual({
      fenceLocal,
      action,
    });
  });
});

describe('which assigned records need a consistent read', () => {
  it.each([
    { name: 'running as it should', record: rec(), local: here(), expected: false },
    { name: 'should run, not here', record: rec(), local: undefined, expected: true },
    { name: 'epoch moved', record: rec({ epoch: 4 }), local: here(), expected: true },
    { name: 'restart requested', record: rec({ restartRequested: 'x' }), local: here(), expected: true },
    { name: 'logout requested', record: rec({ logoutRequested: true }), local: here(), expected: true },
    {
      name: 'stopped, not here',
      record: rec({ desired: 'STOPPED', status: 'STOPPED' }),
      local: undefined,
      expected: false,
    },
    {
      name: 'stopped, still here',
      record: rec({ desired: 'STOPPED', status: 'STOPPED' }),
      local: here(),
      expected: true,
    },
    {
      name: 'stopped, record says running',
      record: rec({ desired: 'STOPPED', status: 'QR' }),
      local: undefined,
      expected: true,
    },
  ])('$name → $expected', ({ record, local, expected }) => {
    expect(needsAttention(record, local)).toBe(expected);
  });
});
