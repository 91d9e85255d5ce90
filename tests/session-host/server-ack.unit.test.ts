/**
 * A send counts as sent only once WhatsApp acks its stanza: a frame handed to
 * a socket WhatsApp already replaced (the session moved to another host while
 * this one was paused) is taken and dropped, and must be sent again, not
 * reported SENT.
 */
import { EventEmitter } from 'node:events';
import type { WASocket } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageIds } from '../../session-host/src/messaging/message-ids.ts';
import { GateClosedError, ReceiptGate } from '../../session-host/src/runtime/receipt-gate.ts';
import { sendText } from '../../session-host/src/runtime/send-text.ts';
import { SessionNotConnectedError } from '../../session-host/src/runtime/session-errors.ts';

function socketPair() {
  const frames = new EventEmitter();
  const wire: unknown[] = [];
  const gate = new ReceiptGate({ fallbackMs: 60_000, onFallback: () => undefined });
  const raw = { send: (data: unknown): void => void wire.push(data) };
  gate.attach({ socket: raw, on: (event, listener) => frames.on(event, listener) });
  const sock = {
    sendMessage: async () => {
      raw.send('message stanza');
      return { message: { conversation: 'hi' } };
    },
  } as unknown as WASocket;
  const ack = (id: string) => frames.emit('frame', { tag: 'ack', attrs: { class: 'message', id } });
  return { gate, sock, wire, ack };
}

const message = { to: '15550000002', text: 'hi', messageId: '3EB0ACCE000000000001' };

describe('a send', () => {
  it('is sent once WhatsApp acks its stanza', async () => {
    const s = socketPair();
    const sending = sendText(s, new MessageIds(), message);
    await new Promise((resolve) => setTimeout(resolve, 10));
    s.ack('some other message');
    s.ack(message.messageId);
    await expect(sending).resolves.toBe('sent');
  });

  it('is not sent when the socket closes before the ack: it fails, to be sent again under the same id', async () => {
    const s = socketPair();
    const ids = new MessageIds();
    const sending = sendText(s, ids, message);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(s.wire).toEqual(['message stanza']);
    s.gate.close();
    await expect(sending).rejects.toBeInstanceOf(SessionNotConnectedError);
    // Not remembered as sent: the retry goes out again instead of being taken for a repeat.
    expect(ids.has(message.messageId)).toBe(false);
  });

  it('is not sent when no ack comes within the timeout, though the socket stays open', async () => {
    vi.useFakeTimers();
    const s = socketPair();
    const acked = s.gate.whenAcked(message.messageId, 15_000);
    vi.advanceTimersByTime(14_999);
    s.ack('some other message');
    vi.advanceTimersByTime(1);
    await expect(acked).rejects.toBeInstanceOf(GateClosedError);
    // A late ack finds nobody waiting.
    expect(() => s.ack(message.messageId)).not.toThrow();
  });
});

afterEach(() => {
  vi.useRealTimers();
});
