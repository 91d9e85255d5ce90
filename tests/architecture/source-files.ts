import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { type Node, type SourceFile, SyntaxKind } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The shipped code: what the layering and size rules are about (tests/ is not). */
export const SOURCE_ROOTS = ['functions', 'session-host', 'infra'] as const;

/** One import of a source file, resolved to a repo-relative file or to a package name. */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  /** Repo-relative path of the imported file; undefined for a package or a built-in. */
  readonly toFile: string | undefined;
  /** The package (`zod`, `@aws-sdk/client-s3`) or built-in (`node:crypto`) imported. */
  readonly toPackage: string | undefined;
  /** Erased at compile time: `import type`, `export type`, `import('x').T`, or only type specifiers. */
  readonly typeOnly: boolean;
  readonly line: number;
}

export interface FunctionSpan {
  readonly file: string;
  readonly name: string;
  readonly startLine: number;
  readonly lines: number;
  /** A comment sits right above the function (or the statement that holds it). */
  readonly commented: boolean;
}

export interface SourceModule {
  /** Repo-relative, `/`-separated. */
  readonly path: string;
  readonly lines: number;
  readonly imports: readonly ImportEdge[];
  readonly functions: readonly FunctionSpan[];
}

const isTestFile = (path: string): boolean => /\.test\.ts$/.test(path) || path.split('/').includes('tests');

/**
 * Reads every non-test .ts file under SOURCE_ROOTS as the TypeScript compiler
 * sees it through tsconfig.json, so files added or moved by anyone are
 * covered the moment they exist.
 *
 * typescript@7 (the native compiler) has no in-process parser: its
 * `unstable/sync` API runs tsgo as a child process over stdio pipes. It is
 * closed here before returning.
 */
export function readSourceModules(): SourceModule[] {
  const api = new API({ cwd: REPO_ROOT });
  try {
    const snapshot = api.updateSnapshot({ openProject: join(REPO_ROOT, 'tsconfig.json') });
    const project = snapshot.getProjects()[0];
    if (!project) throw new Error('tsconfig.json opened no project');
    const modules: SourceModule[] = [];
    for (const fileName of project.program.getSourceFileNames()) {
      const path = relative(REPO_ROOT, fileName).split('\\').join('/');
      if (path.startsWith('..') || path.includes('node_modules/') || isTestFile(path)) continue;
      if (!SOURCE_ROOTS.some((root) => path.startsWith(`${root}/`))) continue;
      const file = project.program.getSourceFile(fileName);
      if (!file) continue;
      modules.push(readModule(path, file));
    }
    return modules.sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    api.close();
  }
}

function readModule(path: string, file: SourceFile): SourceModule {
  const text = file.text;
  const lineStarts = lineStartsOf(text);
  const lineOf = (pos: number): number => lineIndex(lineStarts, pos) + 1;
  const imports: ImportEdge[] = [];
  const functions: FunctionSpan[] = [];
  const visit = (node: Node): void => {
    const found = importOf(node);
    if (found) imports.push(edge(path, found.specifier, found.typeOnly, lineOf(node.getStart(file))));
    const fn = functionOf(node, file, text, lineOf);
    if (fn) functions.push({ file: path, ...fn });
    node.forEachChild(visit);
  };
  file.forEachChild(visit);
  return { path, lines: countLines(text), imports, functions };
}

function importOf(node: Node): { specifier: string; typeOnly: boolean } | undefined {
  const n = node as Node & Record<string, unknown>;
  switch (node.kind) {
    case SyntaxKind.ImportDeclaration: {
      const clause = n.importClause as (Node & Record<string, unknown>) | undefined;
      const named = clause?.namedBindings as { elements?: readonly { isTypeOnly: boolean }[] } | undefined;
      const typeOnly =
        clause !== undefined &&
        (clause.phaseModifier === SyntaxKind.TypeKeyword ||
          (clause.name === undefined &&
            named?.elements !== undefined &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      return literal(n.moduleSpecifier, typeOnly);
    }
    case SyntaxKind.ExportDeclaration: {
      const clause = n.exportClause as { elements?: readonly { isTypeOnly: boolean }[] } | undefined;
      const typeOnly =
        n.isTypeOnly === true ||
        (clause?.elements !== undefined &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      return literal(n.moduleSpecifier, typeOnly);
    }
    case SyntaxKind.ImportEqualsDeclaration: {
      const ref = n.moduleReference as (Node & { expression?: unknown }) | undefined;
      if (ref?.kind !== SyntaxKind.ExternalModuleReference) return undefined;
      return literal(ref.expression, n.isTypeOnly === true);
    }
    case SyntaxKind.ImportType: {
      const argument = n.argument as (Node & { literal?: unknown }) | undefined;
      return literal(argument?.literal, true);
    }
    case SyntaxKind.CallExpression: {
      const callee = n.expression as Node | undefined;
      const args = n.arguments as readonly unknown[] | undefined;
      if (callee?.kind !== SyntaxKind.ImportKeyword) return undefined;
      return literal(args?.[0], false);
    }
    default:
      return undefined;
  }
}

function literal(node: unknown, typeOnly: boolean): { specifier: string; typeOnly: boolean } | undefined {
  const n = node as (Node & { text?: string }) | undefined;
  if (n?.kind !== SyntaxKind.StringLiteral || typeof n.text !== 'string') return undefined;
  return { specifier: n.text, typeOnly };
}

const BUILTINS = new Set(builtinModules);

function edge(from: string, specifier: string, typeOnly: boolean, line: number): ImportEdge {
  const base = { from, specifier, typeOnly, line };
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) {
    return {
      ...base,
      toFile: undefined,
      toPackage: specifier.startsWith('node:') ? specifier : `node:${specifier}`,
    };
  }
  let target: string | undefined;
  if (specifier.startsWith('.')) target = join(dirname(from), specifier);
  else if (specifier.startsWith('#commons/'))
    target = join('functions/commons', specifier.slice('#commons/'.length));
  else if (specifier.startsWith('#tests/')) target = join('tests', specifier.slice('#tests/'.length));
  if (target === undefined) {
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    return { ...base, toFile: undefined, toPackage: name };
  }
  return { ...base, toFile: withExtension(target.split('\\').join('/')), toPackage: undefined };
}

function withExtension(path: string): string {
  for (const candidate of [path, `${path}.ts`, `${path}/index.ts`, path.replace(/\.js$/, '.ts')]) {
    if (existsSync(join(REPO_ROOT, candidate)) && !candidate.endsWith('/')) return candidate;
  }
  return path;
}

const FUNCTION_KINDS = new Set<SyntaxKind>([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

function functionOf(
  node: Node,
  file: SourceFile,
  text: string,
  lineOf: (pos: number) => number,
): Omit<FunctionSpan, 'file'> | undefined {
  if (!FUNCTION_KINDS.has(node.kind)) return undefined;
  const body = (node as Node & { body?: Node }).body;
  if (!body) return undefined;
  const startLine = lineOf(node.getStart(file));
  const lines = lineOf(node.getEnd()) - startLine + 1;
  const anchor = commentAnchor(node);
  return {
    name: nameOf(node, anchor),
    startLine,
    lines,
    commented: hasCommentAbove(text, anchor.getFullStart()),
  };
}

/** Where a "why" comment for this function would sit: above its declaration or its variable statement. */
function commentAnchor(node: Node): Node {
  let anchor = node;
  for (;;) {
    const parent = anchor.parent as Node | undefined;
    if (!parent) return anchor;
    const wraps =
      parent.kind === SyntaxKind.VariableDeclaration ||
      parent.kind === SyntaxKind.VariableDeclarationList ||
      parent.kind === SyntaxKind.VariableStatement ||
      parent.kind === SyntaxKind.PropertyAssignment ||
      parent.kind === SyntaxKind.PropertyDeclaration ||
      parent.kind === SyntaxKind.ExportAssignment ||
      (parent.kind === SyntaxKind.CallExpression && anchor.kind !== SyntaxKind.CallExpression);
    if (!wraps) return anchor;
    anchor = parent;
  }
}

function nameOf(node: Node, anchor: Node): string {
  const own = (node as Node & { name?: { text?: string } }).name?.text;
  if (own) return own;
  if (node.kind === SyntaxKind.Constructor) return 'constructor';
  let n: Node | undefined = node;
  while (n && n !== anchor.parent) {
    const name = (n as Node & { name?: { text?: string } }).name?.text;
    if (name) return name;
    n = n.parent as Node | undefined;
  }
  return '(anonymous)';
}

/** A comment ends on the line right above the node's first token (blank lines break the link). */
function hasCommentAbove(text: string, fullStart: number): boolean {
  const trivia = text.slice(fullStart, skipLeadingTrivia(text, fullStart));
  return /(\/\/[^\n]*|\*\/)[ \t]*\r?\n[ \t]*$/.test(trivia);
}

function skipLeadingTrivia(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    if (/\s/.test(text[i] ?? '')) i += 1;
    else if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('/*', i))
      i = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 2;
    else break;
  }
  return i;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineIndex(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Lines as an editor counts them: a trailing newline does not start another line. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}
