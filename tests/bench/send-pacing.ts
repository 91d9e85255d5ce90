/**
 * `npm run bench -- send-pacing [--sessions 20] [--messages 50] [--rate 1] [--burst 3]`:
 * links `sessions` sessions on one in-process host against the fake
 * WhatsApp, queues `messages` texts on each through the API's 202 path
 * (POST …/messages), and checks that every message arrives at its contact
 * exactly once and in order. Prints the achieved rate per session against the
 * configured one (JSON on the last line).
 */
import { performance } from 'node:perf_hooks';
import type { SendPacing } from '#commons/domain/send-pacing.ts';
import { createApiHarness } from '../api/support/api-harness.ts';
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
    const api = await createApiHarness('bench', {
      aws: h.aws,
      sendQueue: { queueLimit: args.messages, ratePerSecond: args.rate },
    });
    api.now = new Date();
    // The API's nudge reaches the in-process host as the internal API does: answered at once, reconciled after.
    api.hostClient.nudge = async (_endpoint, sessionId) => {
      void host.reconcileSession(sessionId);
    };
    const token = await api.adminToken('acme');
    const sessions: { sessionId: string; contact: string }[] = [];
    for (let i = 0; i < args.sessions; i++) {
      const sessionId = await h.createSession();
      await h.link(sessionId);
      sessions.push({ sessionId, contact: h.fake.createUser({ name: `Contact ${i}` }).pn });
      console.error(`linked ${i + 1}/${args.sessions}`);
    }
    const arrivals = new Map<string, number>();
    h.fake.events.on('message-received', (_to, m) => {
      if (!m.deviceSent && !arrivals.has(m.id)) arrivals.set(m.id, performance.now());
    });
    const perSession = await Promise.all(
      sessions.map(async ({ sessionId, contact }, s) => {
        const ids: string[] = [];
        let started = 0;
        for (let i = 0; i < args.messages; i++) {
          // Each request after the last one's answer, at a later acceptance time.
          api.now = new Date(Math.max(Date.now(), api.now.getTime() + 1));
          const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
            token,
            body: { to: contact, text: `s${s} m${i}` },
          });
          if (res.status !== 202) throw new Error(`${sessionId}: POST answered ${res.status}`);
          ids.push(((await res.json()) as { messageId: string }).messageId);
          if (i === 0) started = performance.now();
        }
        return { sessionId, contact, ids, started };
      }),
    );
    const all = perSession.flatMap((p) => p.ids);
    const deadline = performance.now() + ((args.messages / args.rate) * 1000 + 60_000);
    while (all.some((id) => !arrivals.has(id)) && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
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
    const rates = perSession.map(({ ids, started }) => {
      const n = ids.length;
      const first = arrivals.get(ids[0] as string) ?? Number.NaN;
      const last = arrivals.get(ids[n - 1] as string) ?? Number.NaN;
      // Past the burst the bucket earns `rate` tokens per second from the first send: at most the rate, give or take delivery jitter.
      const sustained = n > args.burst ? (n - args.burst) / ((last - first) / 1000) : Number.NaN;
      return { overall: n / ((last - started) / 1000), sustained };
    });
    const sustained = rates.map((r) => r.sustained);
    const result = {
      path: 'POST /v1/sessions/{id}/messages → 202 QUEUED → host drain',
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
