import { beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_FILE_LINES,
  MAX_FUNCTION_LINES,
  oversizedFiles,
  unexplainedLongFunctions,
} from './size-rules.ts';
import { readSourceModules, type SourceModule } from './source-files.ts';

describe('the size rules', () => {
  it('flag a file over the limit and a long function with no comment above it', () => {
    const long = { file: 'f.ts', startLine: 3, lines: MAX_FUNCTION_LINES + 1 };
    const modules = [
      { path: 'big.ts', lines: MAX_FILE_LINES + 1, imports: [], functions: [] },
      { path: 'ok.ts', lines: MAX_FILE_LINES, imports: [], functions: [] },
      {
        path: 'f.ts',
        lines: 200,
        imports: [],
        functions: [
          { ...long, name: 'unexplained', commented: false },
          { ...long, name: 'explained', commented: true },
          { ...long, name: 'short', lines: MAX_FUNCTION_LINES, commented: false },
        ],
      },
    ];
    expect(oversizedFiles(modules)).toEqual([`big.ts: ${MAX_FILE_LINES + 1} lines`]);
    expect(unexplainedLongFunctions(modules)).toEqual([
      `f.ts:3 unexplained: ${MAX_FUNCTION_LINES + 1} lines`,
    ]);
  });
});

describe('the shipped code (functions/, session-host/, infra/)', () => {
  let modules: SourceModule[];
  beforeAll(() => {
    modules = readSourceModules();
  });

  it('finds function spans to measure', () => {
    // A reader that found no functions would pass the function rule below.
    expect(modules.flatMap((m) => m.functions).length).toBeGreaterThan(100);
  });

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    expect(oversizedFiles(modules)).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines without a comment above it saying why`, () => {
    expect(unexplainedLongFunctions(modules)).toEqual([]);
  });
});
