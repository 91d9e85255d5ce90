import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import type { EventEnvelope } from '#commons/domain/events.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { putAssignedSession } from '../support/assigned-session.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { createFakeWhatsApp, type FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { replayHostImage } from '../support/host-image.ts';

/**
 * Invariant 7 on the artifact that ships: the host bundle built by the
 * Dockerfile's own build step, run as the image runs it, through pairing, a
 * pkmsg exchange both ways and a Signal session reset (each of which makes
 * libsignal 6.0.0 print whole SessionEntry objects through console).
 */

/** What libsignal's dumps look like once util.inspect has printed them. Independent of the host's own filter. */
const KEY_SHAPED: readonly [string, RegExp][] = [
  ['privKey', /privKey/i],
  ['rootKey', /rootKey/i],
  ['chainKey', /chainKey/i],
  ['SessionEntry', /SessionEntry/],
  ['SessionRecord', /SessionRecord/],
  ['Closing session', /Closing session/i],
  ['Opening session', /Opening session/i],
  ['Buffer dump', /<Buffer/],
  ['base64 32-byte key', /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/],
];

const HOST_ID = 'shipped-bundle-host';
const internalToken = randomBytes(24).toString('hex');

let root: string;
let aws: TestAws;
let fake: FakeWhatsApp;
let child: ChildProcess | undefined;
const stdout: string[] = [];
const stderr: string[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child?.exitCode !== null && child?.exitCode !== undefined)
      throw new Error(`host exited (${child.exitCode}) while waiting for ${what}:\n${stderr.join('')}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startShippedHost(cwd: string, command: readonly string[], env: Record<string, string>) {
  const [program, ...args] = command;
  if (program !== 'node') throw new Error(`the image CMD runs ${program}, not node`);
  // The IPC channel is only the leash: the host exits when it closes, so it never outlives this file.
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  proc.stdout?.on('data', (c: Buffer) => stdout.push(c.toString('utf8')));
  proc.stderr?.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  return proc;
}

async function stopHost(): Promise<void> {
  const proc = child;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGINT');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'zf-host-image-'));
  [aws, fake] = await Promise.all([createTestAws('bundle'), createFakeWhatsApp()]);
  const image = await replayHostImage(root);
  child = startShippedHost(image.cwd, image.command, {
    ...(process.env as Record<string, string>),
    ...image.env,
    ...aws.env,
    [ENV.hostId]: HOST_ID,
    [ENV.hostPort]: '0',
    [ENV.internalToken]: internalToken,
    [ENV.wsManagementEndpoint]: 'http://127.0.0.1:9/local',
    [ENV.waWebSocketUrl]: fake.url,
    [ENV.waCertPublicKey]: fake.caPublicKey.toString('hex'),
    [ENV.reconcileIntervalMs]: '500',
  });
}, 180_000);

afterAll(async () => {
  await stopHost();
  await fake?.close();
  aws?.destroy();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the shipped session-host bundle', () => {
  it('prints no key material through pairing, pkmsg both ways and a session reset, and still logs', async () => {
    const proc = child as ChildProcess;
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      proc.on(
        'message',
        (m: { ready?: boolean; port?: number }) => m.ready && resolve({ port: m.port ?? 0 }),
      );
      proc.once('exit', (code) =>
        reject(new Error(`host exited (${code}) before ready:\n${stderr.join('')}`)),
      );
    });
    const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
    const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
    const messages = async (sessionId: string): Promise<EventEnvelope[]> =>
      (await events.after(sessionId, 0, 10_000)).filter((e) => e.type === 'session:message');
    const received = (sessionId: string, text: string) =>
      until(`the host to receive '${text}'`, async () =>
        (await messages(sessionId)).find((e) => e.data.text === text),
      );
    const send = async (sessionId: string, to: string, text: string): Promise<void> => {
      const res = await fetch(`http://127.0.0.1:${ready.port}/internal/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to, text, messageId: randomUUID().replaceAll('-', '').toUpperCase() }),
      });
      expect(res.status).toBe(201);
      await fake.waitForMessage(to, (m) => m.text === text, 15_000);
    };

    // Pairing: QR → the fake phone scans → 515 → login with the new creds.
    const sessionId = await putAssignedSession(aws, HOST_ID);
    const qr = await until('a QR', async () => (await ownership.get(sessionId))?.qr?.value);
    const device = await fake.scanQr(qr);
    await until('CONNECTED', async () =>
      (await ownership.get(sessionId))?.status === 'CONNECTED' ? true : undefined,
    );

    // pkmsg in (the contact opens a session), then out (Baileys refreshes the session: pkmsg again).
    const contact = fake.createUser({ name: 'Alice' });
    await fake.sendText(contact.pn, device.pn, 'hello from alice');
    await received(sessionId, 'hello from alice');
    await send(sessionId, contact.pn, 'hello back');

    // A reinstall on the contact's side: the host closes the old session for the new pkmsg.
    await fake.resetSessions(contact.pn, device.pn);
    await fake.sendText(contact.pn, device.pn, 'after reinstall');
    await received(sessionId, 'after reinstall');
    await send(sessionId, contact.pn, 'welcome back');

    await stopHost();
    const out = stdout.join('');
    const err = stderr.join('');
    // Names and counts only: a failure must not copy the keys into the test output.
    const leaks = (text: string) =>
      KEY_SHAPED.map(([name, pattern]) => [name, text.match(new RegExp(pattern, 'g'))?.length ?? 0] as const)
        .filter(([, count]) => count > 0)
        .map(([name, count]) => `${name} x${count}`);
    expect({ stdout: leaks(out), stderr: leaks(err) }).toEqual({ stdout: [], stderr: [] });

    // The host's own pino logs still flow, so silence is not passing for safety.
    const logged = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg?: string; sessionId?: string }).msg);
    expect(logged).toContain('host ready');
    expect(logged).toContain('session connected');
  }, 120_000);
});
