import { beforeAll, describe, expect, it } from 'vitest';
import { domainViolations, forbiddenImports, importCycles } from './layering-rules.ts';
import { type ImportEdge, readSourceModules, type SourceModule } from './source-files.ts';

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({
  from,
  specifier: to,
  toFile: to.includes('/') ? to : undefined,
  toPackage: to.includes('/') ? undefined : to,
  typeOnly,
  line: 1,
});

describe('the layering rules', () => {
  it('flag a domain file importing an adapter, even for types only', () => {
    const found = domainViolations([
      edge('functions/commons/domain/lease.ts', 'functions/commons/domain/clock.ts'),
      edge('functions/commons/domain/lease.ts', 'functions/commons/storage/session-item.ts', true),
      edge('functions/commons/domain/lease.ts', '@aws-sdk/client-dynamodb'),
      edge('functions/commons/domain/lease.ts', 'zod'),
    ]);
    expect(found).toEqual([
      'functions/commons/domain/lease.ts:1 imports functions/commons/storage/session-item.ts (type only)',
      'functions/commons/domain/lease.ts:1 imports @aws-sdk/client-dynamodb',
    ]);
  });

  it('flag Lambda code importing the host and shared code importing an entry point', () => {
    const found = forbiddenImports([
      edge('functions/api/app.ts', 'session-host/src/metrics.ts'),
      edge('functions/commons/events/x.ts', 'functions/ws/router.ts'),
      edge('infra/local/demo.ts', 'session-host/src/main.ts'),
    ]);
    expect(found.map((line) => line.split(':')[0])).toEqual([
      'functions/api/app.ts',
      'functions/commons/events/x.ts',
    ]);
  });

  it('find a cycle and print it as a closed path', () => {
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts'];
    const cycles = importCycles(
      files,
      [
        edge('a.ts', 'x/b.ts'),
        edge('b.ts', 'x/c.ts'),
        edge('c.ts', 'x/a.ts', true),
        edge('c.ts', 'x/d.ts'),
      ].map((e) => ({ ...e, toFile: e.toFile?.slice(2) })),
    );
    expect(cycles).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(importCycles(files, [])).toEqual([]);
  });
});

describe('the imports of the shipped code (functions/, session-host/, infra/)', () => {
  let modules: SourceModule[];
  let edges: ImportEdge[];
  beforeAll(() => {
    modules = readSourceModules();
    edges = modules.flatMap((m) => m.imports);
  });

  it('are read from every source file', () => {
    // A reader that silently found nothing would pass every rule below.
    expect(modules.length).toBeGreaterThan(50);
    expect(modules.some((m) => m.path.startsWith('functions/commons/domain/'))).toBe(true);
    expect(edges.some((e) => e.toFile?.startsWith('functions/commons/domain/'))).toBe(true);
  });

  it('keep the domain at the bottom: it imports only domain files and its listed packages', () => {
    expect(domainViolations(edges)).toEqual([]);
  });

  it('never reach down from Lambda code into the host, CDK or tests, or from shared code into an entry point', () => {
    expect(forbiddenImports(edges)).toEqual([]);
  });

  it('have no import cycles', () => {
    const cycles = importCycles(
      modules.map((m) => m.path),
      edges,
    ).map((path) => path.join(' -> '));
    expect(cycles).toEqual([]);
  });
});
