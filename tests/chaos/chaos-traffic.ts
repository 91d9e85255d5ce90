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

/** Sends one text through the public API; its message id once answered 202. */
export type ApiSend = (sessionId: string, to: string, text: string) => Promise<string | undefined>;

/**
 * Steady traffic both ways: each session's contact sends it a text, and the
 * session sends the contact one through the public API (`POST
 * /v1/sessions/{id}/messages`, answered 202), one of each per session per round.
 */
export class ChaosTraffic {
  readonly contactSends: Sent[] = [];
  readonly apiSends: Sent[] = [];
  private round = 0;

  constructor(
    private readonly fake: FakeWhatsApp,
    private readonly apiSend: ApiSend,
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
    const at = Date.now();
    try {
      const messageId = await this.apiSend(s.sessionId, s.contact.pn, text);
      if (messageId) this.apiSends.push({ sessionId: s.sessionId, id: messageId, at, final });
    } catch (err) {
      this.log(`API send failed (${text}): ${(err as Error).message}`);
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
