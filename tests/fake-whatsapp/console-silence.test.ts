import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';
import { SignalPeer } from '../support/fake-whatsapp/signal-peer.ts';

type Method = 'log' | 'info' | 'warn' | 'error' | 'debug';
const METHODS: Method[] = ['log', 'info', 'warn', 'error', 'debug'];

const resources = new TestResources();
let printed: string[] = [];
const originals = new Map<Method, (...args: unknown[]) => void>();

// Capture sits underneath the fake's filter (installed later, when the fake starts), so this sees
// exactly what would have reached the test output.
beforeEach(() => {
  printed = [];
  for (const method of METHODS) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    };
  }
});

afterEach(async () => {
  await resources.dispose();
  for (const [method, original] of originals) console[method] = original;
});

describe('libsignal console output', () => {
  it('prints whole session records when a session closes, unless silenced (control)', async () => {
    const alice = new SignalPeer();
    const bob = new SignalPeer();

    await alice.startSession('bob', 0, bob.issueBundle());
    await alice.startSession('bob', 0, bob.issueBundle());

    expect(printed.some((line) => line.startsWith('Closing session'))).toBe(true);
  });

  it('keeps session closes on both the fake and the Baileys side out of the console', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Alice' });
    const { client, device } = await linkAndConnect(fake);
    resources.client(client);
    await fake.sendText(contact.pn, device.pn, 'before reinstall');
    await client.waitForText((t) => t === 'before reinstall');

    await fake.resetSessions(contact.pn, device.pn);
    await fake.sendText(contact.pn, device.pn, 'after reinstall');
    await client.waitForText((t) => t === 'after reinstall');

    expect(printed.filter((line) => /session|privKey|rootKey/i.test(line))).toEqual([]);
  });
});
