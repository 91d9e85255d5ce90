import type { HostClient, HostMessage, HostSendResult } from '#commons/hosts/host-client.ts';

export interface HostCall {
  readonly kind: 'send' | 'pairing' | 'nudge' | 'quiesce';
  readonly endpoint: string;
  readonly sessionId: string;
  readonly message?: HostMessage;
  readonly phoneNumber?: string;
}

/** A fake of our HostClient port: records every call and answers as told. */
export class FakeHostClient implements HostClient {
  readonly calls: HostCall[] = [];
  /** Replaces the default answer of the next sends (throw to simulate a host failure). */
  onSend: (message: HostMessage) => Promise<HostSendResult> = async (m) => ({
    messageId: m.messageId,
    status: 'SENT',
  });
  onPairing: (phoneNumber: string) => Promise<{ code: string }> = async () => ({ code: 'ABCD-EFGH' });
  onNudge: () => Promise<void> = async () => undefined;
  onQuiesce: () => Promise<void> = async () => undefined;

  async sendMessage(endpoint: string, sessionId: string, message: HostMessage): Promise<HostSendResult> {
    this.calls.push({ kind: 'send', endpoint, sessionId, message });
    return this.onSend(message);
  }

  async requestPairingCode(
    endpoint: string,
    sessionId: string,
    phoneNumber: string,
  ): Promise<{ code: string }> {
    this.calls.push({ kind: 'pairing', endpoint, sessionId, phoneNumber });
    return this.onPairing(phoneNumber);
  }

  async nudge(endpoint: string, sessionId: string): Promise<void> {
    this.calls.push({ kind: 'nudge', endpoint, sessionId });
    return this.onNudge();
  }

  async quiesce(endpoint: string, sessionId: string): Promise<void> {
    this.calls.push({ kind: 'quiesce', endpoint, sessionId });
    return this.onQuiesce();
  }

  callsOf(kind: HostCall['kind']): HostCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }
}
