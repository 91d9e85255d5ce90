/**
 * `npm run bench -- receipt-window [--messages N]`: how long a message's
 * receipt waits for its event to be durable (the host holds outgoing frames
 * meanwhile), i.e. the time in which a host crash leaves a message whose keys
 * are committed but whose event is not: WhatsApp then redelivers it, and the
 * sender re-encrypts on the retry receipt. Baseline in the same run: the bare
 * event-log append with the same client against the same emulator. JSON on
 * the last line.
 */
import { performance } from 'node:perf_hooks';
import { HostHarness } from '../session-host/host-harness.ts';
import { benchArgs, withEmbeddedAws } from './bench-support.ts';

const round = (ms: number): number => Math.round(ms * 100) / 100;

const args = benchArgs('receipt-window', { messages: 100 });

await withEmbeddedAws(async () => {
  const messages = args.messages;
  const h = await HostHarness.create();
  try {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Bench' });
    const device = await h.link(sessionId);
    await h.fake.sendText(contact.pn, device.pn, 'warm-up');
    await h.waitForEvent(sessionId, (e) => e.data.text === 'warm-up');
    const held = running.metrics.receiptHoldMs;
    const countBefore = held.count;
    for (let i = 0; i < messages; i++) {
      const id = await h.fake.sendText(contact.pn, device.pn, `in ${i}`);
      await h.fake.waitForReceipt((r) => r.id === id, 20_000);
      if (i % 20 === 19) console.error(`${i + 1}/${messages} messages`);
    }
    if (held.count - countBefore < messages) throw new Error('not every message held its receipt');

    const appends: number[] = [];
    for (let i = 0; i < messages; i++) {
      const started = performance.now();
      await h.events.append({
        type: 'session:status',
        tenantId: 'acme',
        sessionId: 'ses_baseline',
        data: { i },
      });
      appends.push(performance.now() - started);
    }
    appends.sort((a, b) => a - b);
    const pct = (p: number) =>
      round(appends[Math.min(appends.length - 1, Math.floor((p / 100) * appends.length))] ?? 0);
    console.log(
      JSON.stringify({
        messages,
        receiptHoldP50Ms: round(held.percentile(50)),
        receiptHoldP99Ms: round(held.percentile(99)),
        fallbacks: running.metrics.receiptGateFallbacks.value,
        baseline: { name: 'bare event-log append', p50Ms: pct(50), p99Ms: pct(99) },
      }),
    );
  } finally {
    await h.dispose();
  }
});
