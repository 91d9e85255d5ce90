import type { ImportEdge } from './source-files.ts';

export const DOMAIN = 'functions/commons/domain/';

/**
 * The only packages domain code may import, each with its reason. Everything
 * else outside functions/commons/domain/ is refused, type-only imports
 * included: the domain sits at the bottom (no AWS SDK, Hono, Baileys, pino,
 * adapters, or other commons folders that hold them).
 */
export const DOMAIN_PACKAGES: Readonly<Record<string, string>> = {
  zod: 'record and event shapes are defined once as schemas, next to the rules that use them',
  'node:crypto': 'pure hashing for ids and idempotency keys; no I/O',
};

/** Layers above the domain, each with what it must not import. */
export const FORBIDDEN_IMPORTS: readonly { from: string; to: readonly string[]; why: string }[] = [
  {
    from: 'functions/',
    to: ['session-host/', 'infra/', 'tests/'],
    why: 'Lambda code ships alone; the host, CDK and test helpers are not in its bundle',
  },
  {
    from: 'functions/commons/',
    to: ['functions/api/', 'functions/ws/'],
    why: 'entry points sit on top of the shared code, not under it',
  },
  {
    from: 'session-host/',
    to: ['infra/', 'tests/'],
    why: 'the host image ships without CDK or test helpers',
  },
];

export const describeEdge = (e: ImportEdge): string =>
  `${e.from}:${e.line} imports ${e.specifier}${e.typeOnly ? ' (type only)' : ''}`;

export function domainViolations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => e.from.startsWith(DOMAIN))
    .filter((e) =>
      e.toFile !== undefined
        ? !e.toFile.startsWith(DOMAIN)
        : !Object.hasOwn(DOMAIN_PACKAGES, e.toPackage ?? ''),
    )
    .map(describeEdge);
}

export function forbiddenImports(edges: readonly ImportEdge[]): string[] {
  return edges.flatMap((e) =>
    FORBIDDEN_IMPORTS.filter(
      (rule) =>
        e.from.startsWith(rule.from) &&
        e.toFile !== undefined &&
        rule.to.some((to) => e.toFile?.startsWith(to)),
    ).map((rule) => `${describeEdge(e)}: ${rule.why}`),
  );
}

/**
 * Every import cycle among the given files (type-only imports count: a cycle
 * of types is still two modules that cannot be understood apart), as the
 * strongly connected components of the import graph, each printed as one
 * closed path through its files.
 */
export function importCycles(files: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const known = new Set(files);
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.toFile === undefined || !known.has(e.toFile) || !known.has(e.from)) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.toFile]);
  }
  return stronglyConnected(files, next).map((component) => closedPath(component, next));
}

// Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack.
function stronglyConnected(nodes: readonly string[], next: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; child: number }[] = [{ node: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter);
    counter += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = next.get(frame.node) ?? [];
      if (frame.child < targets.length) {
        const target = targets[frame.child]!;
        frame.child += 1;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, child: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfLoop = (next.get(frame.node) ?? []).includes(frame.node);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  }
  return components;
}

/** A path a → … → a inside one component, so the report shows which imports to cut. */
function closedPath(component: readonly string[], next: ReadonlyMap<string, string[]>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of next.get(node) ?? []) {
      if (!inside.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...component, component[0]!];
}
