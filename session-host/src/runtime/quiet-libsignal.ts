type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';

const METHODS: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];
const LIBSIGNAL_FRAME = /[\\/]libsignal[\\/]src[\\/]/;

let installs = 0;
const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();

/**
 * libsignal 6.0.0 prints whole SessionRecords, private keys included, through
 * the global console when it opens or closes a Signal session, and cannot be
 * configured. While installed, console calls whose stack passes through
 * libsignal's sources are dropped; our own logs go through pino, not console.
 * Reference-counted; returns the release function.
 */
export function silenceLibsignalConsole(): () => void {
  if (installs === 0) {
    for (const method of METHODS) {
      const original = console[method].bind(console);
      originals.set(method, console[method]);
      console[method] = (...args: unknown[]) => {
        if (!LIBSIGNAL_FRAME.test(new Error().stack ?? '')) original(...args);
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
