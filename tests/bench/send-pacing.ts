/**
 * `npm run bench -- send-pacing [--sessions 20] [--messages 50] [--rate 1] [--burst 3]`:
 * links `sessions` sessions on one in-process host against the fake
 * WhatsApp, queues `messages` texts on each at once, and checks that every
 * message arrives at its contact exactly once and in order. Prints the
 * achieved rate per session against the configured one (JSON on the last line).
 */
import { performance } from 'node:perf_hooks';
import type { SendPacing } from '#commons/domain/send-pacing.ts';
import { HostHarness } from '../session-host/host-harness.ts';
import { benchArgs, percentile, withEmbeddedAws } from './bench-support.ts';

const args = benchArgs('send-pacing', { sessions: 20, messages: 50, rate: 1, burst: 3 });
const round = (n: number): number => Math.round(n * 1000) / 1000;

await withEmbeddedAws(async () => {
  const pacing: SendPacing = {
    ratePerSecond: args.rate,
    burst: args.burst,
    queueLimit: args.messages,
    typingMs: 0,
  };
  const h = await HostHarness.create();
  try {
    const { host } = await h.startHost('host-1', { limits: { sendPacing: pacing } });
    const sessions: { sessionId: string; contact: string }[] = [];
    for (let i = 0; i < args.sessions; i++) {
      const sessionId = await h.createSession();
      await h.link(sessionId);
      sessions.push({ sessionId, contact: h.fake.createUser({ name: `Contact ${i}` }).pn });
      console.error(`linked ${i + 1}/${args.sessions}`);
    }
    const perSession = await Promise.all(
      sessions.map(async ({ sessionId, contact }, s) => {
        const session = host.session(sessionId);
        if (!session) throw new Error(`${sessionId} is not running`);
        const ids = Array.from(
          { length: args.messages },
          (_, i) => `3EB0${String(s).padStart(4, '0')}${String(i).padStart(12, '0')}`,
        );
        const started = performance.now();
        const sentAt = await Promise.all(
          ids.map(async (id, i) => {
            await session.sendText(contact, `s${s} m${i}`, id);
            return performance.now() - started;
          }),
        );
        return { sessionId, contact, ids, sentAt };
      }),
    );
    // Every message at its contact exactly once, in order (the echo to the own phone excluded).
    const problems: string[] = [];
    for (const { sessionId, contact, ids } of perSession) {
      const got = h.fake
        .inbox(contact)
        .filter((m) => !m.deviceSent)
        .map((m) => m.id);
      if (JSON.stringify(got) !== JSON.stringify(ids))
        problems.push(`${sessionId}: expected ${ids.length} in order, got ${got.length}`);
    }
    const rates = perSession.map(({ sentAt }) => {
      const n = sentAt.length;
      const total = (sentAt[n - 1] as number) / 1000;
      // Past the burst the bucket earns `rate` tokens per second from the start: this never exceeds it.
      const sustained = n > args.burst ? (n - args.burst) / total : Number.NaN;
      return { overall: n / total, sustained };
    });
    const sustained = rates.map((r) => r.sustained);
    const result = {
      sessions: args.sessions,
      messagesPerSession: args.messages,
      configured: { ratePerSecond: pacing.ratePerSecond, burst: pacing.burst },
      allDeliveredOnceInOrder: problems.length === 0,
      problems,
      sustainedPerSecond: {
        min: round(Math.min(...sustained)),
        p50: round(percentile(sustained, 50)),
        max: round(Math.max(...sustained)),
      },
      overallPerSecond: round(
        percentile(
          rates.map((r) => r.overall),
          50,
        ),
      ),
      perSession: perSession.map(({ sessionId }, i) => ({
        sessionId,
        sustainedPerSecond: round(rates[i]?.sustained ?? Number.NaN),
        configuredPerSecond: pacing.ratePerSecond,
      })),
    };
    console.log(JSON.stringify(result));
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await h.dispose();
  }
});
