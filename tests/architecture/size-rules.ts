import type { SourceModule } from './source-files.ts';

/** ../shared/STYLE.md: files of one concept, rarely over ~300 lines. */
export const MAX_FILE_LINES = 300;
/** Issue 13: no function over about 80 lines unless a comment above it says why. */
export const MAX_FUNCTION_LINES = 80;

export function oversizedFiles(modules: readonly SourceModule[]): string[] {
  return modules.filter((m) => m.lines > MAX_FILE_LINES).map((m) => `${m.path}: ${m.lines} lines`);
}

export function unexplainedLongFunctions(modules: readonly SourceModule[]): string[] {
  return modules
    .flatMap((m) => m.functions)
    .filter((f) => f.lines > MAX_FUNCTION_LINES && !f.commented)
    .map((f) => `${f.file}:${f.startLine} ${f.name}: ${f.lines} lines`);
}
