import type { BaileysClient } from './baileys-client.ts';
import { createFakeWhatsApp, type FakeWhatsApp, type FakeWhatsAppOptions } from './server.ts';

/** Tracks what a test started so `afterEach` can end every socket and server, in reverse order. */
export class TestResources {
  private readonly clients: BaileysClient[] = [];
  private readonly fakes: FakeWhatsApp[] = [];

  async fake(options: FakeWhatsAppOptions = {}): Promise<FakeWhatsApp> {
    const fake = await createFakeWhatsApp(options);
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
  }
}
