type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';

const METHODS: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];
const LIBSIGNAL_FRAME = /[\\/]libsignal[\\/]src[\\/]/;

/**
 * The first argument of every console call in libsignal 6.0.0's sources
 * (tests/session-host/libsignal-output.test.ts reads them back from
 * node_modules, so an upgrade that adds one fails there).
 */
export const LIBSIGNAL_CONSOLE_MESSAGES: readonly string[] = [
  'V1 session storage migration error',
  'Migrating session to:',
  'Session already closed',
  'Closing session:',
  'Session already open',
  'Opening session:',
  'Removing old closed session:',
  'Closing open session in favor of incoming prekey bundle',
  'WARNING: Expected pubkey of length 33',
  'Unhandled bucket type (for naming):',
  'Failed to decrypt message with any known session...',
  'Session error:',
  'Decrypted message with closed session.',
];

/** Fields of libsignal's SessionEntry / SessionRecord, whatever a bundler renamed the classes to. */
const SESSION_FIELDS = ['currentRatchet', 'indexInfo', '_chains', '_sessions'];

const isSessionObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && SESSION_FIELDS.some((field) => field in value);

/**
 * Whether a console call comes from libsignal. Three independent signs,
 * because the first one alone failed in production: the esbuild-bundled host
 * (session-host/Dockerfile, no source maps) has no `libsignal/src` frame, so
 * its "Closing session: SessionEntry { … privKey … }" dumps went to stdout.
 * The message table and the object shape do not depend on how the code was
 * packaged.
 */
export function isLibsignalConsoleCall(args: readonly unknown[], stack: string): boolean {
  const [first] = args;
  if (typeof first === 'string' && LIBSIGNAL_CONSOLE_MESSAGES.some((m) => first.startsWith(m))) return true;
  if (args.some(isSessionObject)) return true;
  return LIBSIGNAL_FRAME.test(stack);
}

let installs = 0;
const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();

/**
 * libsignal 6.0.0 prints whole SessionRecords, private keys included, through
 * the global console when it opens or closes a Signal session, and cannot be
 * configured. While installed, its console calls are dropped. The host process
 * goes further (console-sink.ts); this is for processes that share their
 * console with other code, such as tests and the fake WhatsApp.
 * Reference-counted; returns the release function.
 */
export function silenceLibsignalConsole(): () => void {
  if (installs === 0) {
    for (const method of METHODS) {
      const original = console[method].bind(console);
      originals.set(method, console[method]);
      console[method] = (...args: unknown[]) => {
        if (!isLibsignalConsoleCall(args, new Error().stack ?? '')) original(...args);
      };
    }
  }
  installs += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    installs -= 1;
    if (installs === 0) {
      for (const [method, original] of originals) console[method] = original;
      originals.clear();
    }
  };
}
