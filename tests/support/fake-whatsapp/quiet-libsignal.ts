type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';

const METHODS: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];
const LIBSIGNAL_FRAME = /[\\/]libsignal[\\/]src[\\/]/;

let installs = 0;
const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();

// libsignal 6.0.0 logs whole SessionRecords (private keys included) through the global console
// when it opens or closes a session. The module cannot be configured, so while any fake or client
// helper is alive we drop console calls whose stack passes through libsignal's sources.
function calledFromLibsignal(): boolean {
  return LIBSIGNAL_FRAME.test(new Error().stack ?? '');
}

/** Installs the filter (reference-counted); returns the release function. */
export function silenceLibsignalConsole(): () => void {
  if (installs === 0) {
    for (const method of METHODS) {
      const original = console[method].bind(console);
      originals.set(method, console[method]);
      console[method] = (...args: unknown[]) => {
        if (!calledFromLibsignal()) original(...args);
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
