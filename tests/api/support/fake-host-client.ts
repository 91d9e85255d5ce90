import type { ChatPresence, ContactCheck } from '#commons/domain/message-content.ts';
import type {
  HostClient,
  HostMessage,
  HostReadReceipts,
  HostSendResult,
} from '#commons/hosts/host-client.ts';
import type { HostGroupCommand, HostGroupResult } from '#commons/hosts/host-groups.ts';

export interface HostCall {
  readonly kind: 'send' | 'pairing' | 'nudge' | 'quiesce' | 'read' | 'presence' | 'contacts' | 'group';
  readonly endpoint: string;
  readonly sessionId: string;
  readonly message?: HostMessage;
  readonly phoneNumber?: string;
  readonly read?: HostReadReceipts;
  readonly presence?: { chat: string; presence: ChatPresence };
  readonly numbers?: readonly string[];
  readonly group?: HostGroupCommand;
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

  onCheckContacts: (numbers: readonly string[]) => Promise<ContactCheck[]> = async (numbers) =>
    numbers.map((number) => ({ number, exists: false }));

  async markRead(endpoint: string, sessionId: string, read: HostReadReceipts): Promise<void> {
    this.calls.push({ kind: 'read', endpoint, sessionId, read });
  }

  async sendPresence(
    endpoint: string,
    sessionId: string,
    chat: string,
    presence: ChatPresence,
  ): Promise<void> {
    this.calls.push({ kind: 'presence', endpoint, sessionId, presence: { chat, presence } });
  }

  async checkContacts(
    endpoint: string,
    sessionId: string,
    numbers: readonly string[],
  ): Promise<ContactCheck[]> {
    this.calls.push({ kind: 'contacts', endpoint, sessionId, numbers });
    return this.onCheckContacts(numbers);
  }

  /** Answers group commands (throw to simulate the host's refusal); by default an empty group, all done. */
  onGroup: (command: HostGroupCommand) => Promise<unknown> = async (command) => {
    const group = {
      jid: '120363025246125888@g.us',
      subject: 'group',
      addressingMode: 'lid',
      size: 0,
      participants: [],
    };
    if (command.op === 'list') return { groups: [group] };
    if (command.op === 'participants')
      return { participants: command.participants.map((jid) => ({ jid, outcome: 'done', code: '200' })) };
    if (command.op === 'leave') return { left: true };
    return { group };
  };

  async groupCommand<C extends HostGroupCommand>(
    endpoint: string,
    sessionId: string,
    command: C,
  ): Promise<HostGroupResult<C>> {
    this.calls.push({ kind: 'group', endpoint, sessionId, group: command });
    return (await this.onGroup(command)) as HostGroupResult<C>;
  }

  callsOf(kind: HostCall['kind']): HostCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }
}
