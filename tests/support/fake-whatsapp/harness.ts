import type { BaileysClient } from './baileys-client.ts';
import { createFakeWhatsApp, type FakeWhatsApp, type FakeWhatsAppOptions } from './server.ts';

export class FakeServerErrors extends Error {}

/**
 * Tracks what a test started so `afterEach` can end every socket and server, and fails the test
 * when a fake hit a protocol or decryption error it did not expect.
 */
export class TestResources {
  private readonly clients: BaileysClient[] = [];
  private readonly fakes: FakeWhatsApp[] = [];
  private readonly errors: Error[] = [];

  async fake(options: FakeWhatsAppOptions = {}): Promise<FakeWhatsApp> {
    const fake = await createFakeWhatsApp(options);
    fake.events.on('protocol-error', (err) => this.errors.push(err));
    fake.events.on('decrypt-error', (err) => this.errors.push(err));
    this.fakes.push(fake);
    return fake;
  }

  client<T extends BaileysClient>(client: T): T {
    this.clients.push(client);
    return client;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients.splice(0)) client.end();
    for (const fake of this.fakes.splice(0)) await fake.close();
    const errors = this.errors.splice(0);
    if (errors.length) {
      throw new FakeServerErrors(`fake server errors: ${errors.map((e) => e.message).join('; ')}`);
    }
  }
}
