import { randomBytes } from 'node:crypto';
import { OUTBOX_RETENTION_SECONDS, queueKeyFor } from '#commons/domain/session-outbox.ts';
import type { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import type { FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';
import type { Sent } from './history.ts';

export interface ChaosSession {
  readonly sessionId: string;
  /** The linked companion device (what the host runs). */
  readonly device: { readonly pn: string; readonly jid: string };
  /** The one contact talking to this session both ways. */
  readonly contact: { readonly pn: string };
}

/**
 * Steady traffic both ways: each session's contact sends it a text, and a
 * message to the contact is written to the session's send queue (what the
 * API's 202 path writes), one of each per session per round.
 */
export class ChaosTraffic {
  readonly contactSends: Sent[] = [];
  readonly apiSends: Sent[] = [];
  private round = 0;

  constructor(
    private readonly fake: FakeWhatsApp,
    private readonly queue: DynamoDbSendQueue,
    private readonly sessions: readonly ChaosSession[],
    private readonly log: (line: string) => void,
  ) {}

  /**
   * One message each way per session, one direction after the other, before
   * the faults: proves both directions work on every session before anything
   * is broken, so a loss the checker finds is the faults' doing.
   */
  async warmUp(logged: (sessionId: string, id: string) => Promise<boolean>): Promise<void> {
    for (const s of this.sessions) {
      const id = await this.fake.sendText(s.contact.pn, s.device.pn, 'warm-up in');
      this.contactSends.push({ sessionId: s.sessionId, id, at: Date.now(), final: false });
      await waitFor(() => logged(s.sessionId, id), `warm-up message ${id} logged`, 30_000, 100);
      await this.enqueue(s, 'warm-up out', false);
      const sent = this.apiSends.at(-1)?.id;
      await waitFor(
        () => this.delivered().some((d) => d.id === sent),
        `warm-up send ${sent} at the contact`,
        30_000,
        100,
      );
    }
  }

  /** One round: every session gets one message each way. Failures to send are logged, not recorded as sent. */
  async send(final = false): Promise<void> {
    const round = this.round++;
    await Promise.all(
      this.sessions.map(async (s) => {
        const tag = `${final ? 'final' : 'r'}${round}-${s.sessionId.slice(-6)}`;
        try {
          const id = await this.fake.sendText(s.contact.pn, s.device.pn, `in ${tag}`);
          this.contactSends.push({ sessionId: s.sessionId, id, at: Date.now(), final });
        } catch (err) {
          this.log(`contact send failed (${tag}): ${(err as Error).message}`);
        }
        await this.enqueue(s, `out ${tag}`, final);
      }),
    );
  }

  private async enqueue(s: ChaosSession, text: string, final: boolean): Promise<void> {
    const messageId = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    const now = new Date();
    try {
      const result = await this.queue.enqueue(
        {
          sessionId: s.sessionId,
          idempotencyKey: messageId,
          messageId,
          tenantId: 'acme',
          createdAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
          to: s.contact.pn,
          text,
          queueKey: queueKeyFor(now, messageId),
          state: 'QUEUED',
        },
        1_000,
        now,
      );
      if (result.kind === 'created')
        this.apiSends.push({ sessionId: s.sessionId, id: messageId, at: now.getTime(), final });
      else this.log(`send queue refused ${messageId}: ${result.kind}`);
    } catch (err) {
      this.log(`enqueue failed (${text}): ${(err as Error).message}`);
    }
  }

  /** What the contacts decrypted, own-device copies left out. */
  delivered(): { sessionId: string; id: string }[] {
    return this.sessions.flatMap((s) =>
      this.fake
        .inbox(s.contact.pn)
        .filter((m) => !m.deviceSent)
        .map((m) => ({ sessionId: s.sessionId, id: m.id })),
    );
  }
}
