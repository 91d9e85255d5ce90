import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '#commons/logging/logger.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';
import { guardStdio, routeConsoleToLogger } from '../../session-host/src/runtime/console-sink.ts';
import { looksLikeKeyMaterial } from '../../session-host/src/runtime/key-shaped.ts';
import { isLibsignalConsoleCall } from '../../session-host/src/runtime/quiet-libsignal.ts';
import { SignalPeer } from '../support/fake-whatsapp/signal-peer.ts';

const LIBSIGNAL_SRC = join(REPO_ROOT, 'node_modules', 'libsignal', 'src');

/** The first argument of every console call in the installed libsignal, read from its sources. */
function libsignalConsoleMessages(): string[] {
  const found: string[] = [];
  for (const file of readdirSync(LIBSIGNAL_SRC).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(LIBSIGNAL_SRC, file), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n');
    for (const match of source.matchAll(/console\.\w+\(\s*(["'`])(.*?)\1/g)) found.push(match[2] as string);
    // A console call whose first argument is not a literal could not be recognised by its message.
    const calls = source.match(/console\.\w+\(/g) ?? [];
    expect({ file, calls: calls.length }).toEqual({
      file,
      calls: [...source.matchAll(/console\.\w+\(\s*["'`]/g)].length,
    });
  }
  return found;
}

/** A pino logger into memory: the sink's output as the host would write it. */
function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug', base: undefined }, stream), lines };
}

const restores: (() => void)[] = [];
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

describe('libsignal console recognition', () => {
  it('knows every message libsignal prints, with no stack to go on (as in the bundle)', () => {
    const messages = libsignalConsoleMessages();
    expect(messages.length).toBeGreaterThanOrEqual(10);
    expect(messages.filter((m) => !isLibsignalConsoleCall([m, {}], ''))).toEqual([]);
  });

  it('knows a session object passed under any message', () => {
    const record = { _sessions: { a: { currentRatchet: { rootKey: Buffer.alloc(32) } } } };
    expect(isLibsignalConsoleCall(['something new:', record], '')).toBe(true);
    expect(isLibsignalConsoleCall(['disk almost full'], 'at main (/app/dist/session-host.mjs:1:1)')).toBe(
      false,
    );
  });
});

describe('the host console sink', () => {
  it('drops libsignal session dumps from a real libsignal session close and keeps other output without objects', async () => {
    const { logger, lines } = memoryLogger();
    restores.push(routeConsoleToLogger(logger));

    const alice = new SignalPeer();
    const bob = new SignalPeer();
    await alice.startSession('bob', 0, bob.issueBundle());
    await alice.startSession('bob', 0, bob.issueBundle()); // closes the first: "Closing session: SessionEntry {…}"
    console.warn('disk almost full', { privKey: Buffer.alloc(32, 7) });
    console.error(new Error('boom'));
    console.log(`key ${Buffer.alloc(32, 9).toString('base64')}`);

    const dropped = lines.filter((l) => l.msg === 'libsignal console output dropped');
    expect(dropped.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.msg === 'console output').map((l) => l.text ?? l.omitted)).toEqual([
      'disk almost full [Object]',
      'Error: boom',
      'key-shaped',
    ]);
    expect(lines.filter((l) => looksLikeKeyMaterial(JSON.stringify(l)))).toEqual([]);
  });

  it('restores the console it replaced', () => {
    const target = { ...console };
    const log = target.log;
    const restore = routeConsoleToLogger(memoryLogger().logger, target);
    expect(target.log).not.toBe(log);
    restore();
    expect(target.log).toBe(log);
  });
});

describe('the stdio guard', () => {
  it('drops key-shaped writes, calls their callback, and lets other writes through', async () => {
    const written: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _e, done) {
        written.push(chunk.toString('utf8'));
        done();
      },
    });
    const { logger, lines: warnings } = memoryLogger();
    restores.push(guardStdio(logger, { stdout: stream }));

    const called = new Promise<void>((resolve) =>
      stream.write('SessionEntry { currentRatchet: { privKey: <Buffer 01 02> } }\n', () => resolve()),
    );
    await called;
    stream.write('{"level":30,"msg":"host ready"}\n');
    stream.write(Buffer.from(`rootKey ${'ab'.repeat(32)}\n`));

    expect(written).toEqual(['{"level":30,"msg":"host ready"}\n']);
    expect(warnings.map((w) => [w.msg, w.stream])).toEqual([
      ['key-shaped output dropped', 'stdout'],
      ['key-shaped output dropped', 'stdout'],
    ]);
  });
});
