import type { Logger } from '#commons/logging/logger.ts';
import { looksLikeKeyMaterial } from './key-shaped.ts';
import { isLibsignalConsoleCall } from './quiet-libsignal.ts';

/** Every console method that prints its arguments. */
const PRINTING = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table'] as const;
type PrintingMethod = (typeof PRINTING)[number];

/** How much of a console call's text reaches the log. */
export const CONSOLE_TEXT_LIMIT = 500;

type ConsoleLike = Pick<Console, PrintingMethod | 'assert'>;
type SinkLogger = Pick<Logger, 'warn' | 'debug'>;

/** Strings as they are; an Error as its name and message; anything else only as its type, never its contents. */
function describe(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'number' || typeof arg === 'boolean' || typeof arg === 'bigint') return String(arg);
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
  if (arg === null || arg === undefined) return String(arg);
  const name = (arg as { constructor?: { name?: string } }).constructor?.name;
  return `[${name || typeof arg}]`;
}

function route(logger: SinkLogger, method: string, args: readonly unknown[], stack: string): void {
  if (isLibsignalConsoleCall(args, stack)) {
    logger.debug({ console: method }, 'libsignal console output dropped');
    return;
  }
  const text = args.map(describe).join(' ').slice(0, CONSOLE_TEXT_LIMIT);
  const fields = looksLikeKeyMaterial(text)
    ? { console: method, omitted: 'key-shaped' }
    : { console: method, text };
  if (method === 'warn' || method === 'error' || method === 'trace' || method === 'assert')
    logger.warn(fields, 'console output');
  else logger.debug(fields, 'console output');
}

/**
 * Makes the console of the host process a sink into pino. The host's own logs
 * go through pino only (which writes to the file descriptor itself, never via
 * console), so nothing legitimate is lost: libsignal's calls (which print
 * SessionEntry objects with private keys) are dropped, anything else keeps
 * only its strings and error messages, and those only when they do not look
 * like key material. Objects are never printed, so a library we have not
 * read cannot dump a key this way either. Returns the restore function.
 */
export function routeConsoleToLogger(logger: SinkLogger, target: ConsoleLike = console): () => void {
  const originals = new Map<string, unknown>();
  for (const method of PRINTING) {
    originals.set(method, target[method]);
    target[method] = (...args: unknown[]) => route(logger, method, args, new Error().stack ?? '');
  }
  originals.set('assert', target.assert);
  target.assert = (condition?: unknown, ...args: unknown[]) => {
    if (!condition) route(logger, 'assert', args, new Error().stack ?? '');
  };
  return () => {
    for (const [method, original] of originals)
      (target as unknown as Record<string, unknown>)[method] = original;
  };
}

type Write = NodeJS.WriteStream['write'];

/**
 * Second line of defence below the console: drops any write to stdout or
 * stderr that looks like key material, whoever makes it. pino writes to the
 * descriptors directly and is not affected; what is left on these streams is
 * output the host does not expect. Returns the restore function.
 */
export function guardStdio(
  logger: Pick<Logger, 'warn'>,
  streams: Readonly<Record<string, NodeJS.WritableStream>> = {
    stdout: process.stdout,
    stderr: process.stderr,
  },
): () => void {
  const restores: (() => void)[] = [];
  for (const [name, stream] of Object.entries(streams)) {
    const original = stream.write as Write;
    const guarded = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      if (!looksLikeKeyMaterial(text))
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      logger.warn({ stream: name, bytes: Buffer.byteLength(text) }, 'key-shaped output dropped');
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return true;
    };
    stream.write = guarded as Write;
    restores.push(() => {
      stream.write = original;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}
