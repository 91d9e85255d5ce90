/**
 * What a bundle is made of, from esbuild's metafile: the bytes each package
 * (or, for our own code, each top-level source folder) adds to the output.
 */
import type { Metafile } from 'esbuild';

export interface Contributor {
  /** `zod`, `@smithy/core`, or our own `functions/commons`. */
  readonly name: string;
  readonly bytes: number;
}

/**
 * `node_modules/<pkg>/…` (scoped or not; the innermost one when nested) to
 * `<pkg>`; our own files to their first two folders.
 */
export function contributorOf(inputPath: string): string {
  const packages = [...inputPath.matchAll(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  const innermost = packages.at(-1)?.[1];
  if (innermost) return innermost;
  return inputPath.split('/').slice(0, 2).join('/');
}

/** The largest contributors to every output of one build, largest first. */
export function topContributors(metafile: Metafile, limit = 8): Contributor[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = contributorOf(path);
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    .slice(0, limit);
}
