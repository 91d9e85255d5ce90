/**
 * A send counts as sent only once WhatsApp acks its stanza: a frame handed to
 * a socket WhatsApp already replaced (the session moved to another host while
 * this one was paused) is taken and dropped, and must be sent again, not
 * reported SENT. A send that stalls on a socket that looks open closes it.
 */
import { EventEmitter } from 'node:events';
import type { WASocket } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageIds } from '../../session-host/src/messaging/message-ids.ts';
import { AckTimeoutError, ReceiptGate } from '../../session-host/src/runtime/receipt-gate.ts';
import { SEND_STALL_MS, SERVER_ACK_TIMEOUT_MS, sendText } from '../../session-host/src/runtime/send-text.ts';
import { SessionNotConnectedError } from '../../session-host/src/runtime/session-errors.ts';

function socketPair(options: { stuck?: boolean } = {}) {
  const frames = new EventEmitter();
  const wire: unknown[] = [];
  const gate = new ReceiptGate({ fallbackMs: 60_000, onFallback: () => undefined });
  const raw = { send: (data: unknown): void => void wire.push(data) };
  gate.attach({ socket: raw, on: (event, listener) => frames.on(event, listener) });
  const closes: string[] = [];
  const sock = {
    sendMessage: async () => {
      // Stuck: the keys or the encryption never finish (a hung key store).
      if (options.stuck) await new Promise(() => undefined);
      raw.send('message stanza');
      return { message: { conversation: 'hi' } };
    },
    ws: { close: async () => void closes.push('closed') },
  } as unknown as WASocket;
  const ack = (id: string) => frames.emit('frame', { tag: 'ack', attrs: { class: 'message', id } });
  return { gate, sock, wire, ack, closes };
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

  it('stalls when no ack comes in time on an open socket: the socket is closed, to send again on the next', async () => {
    vi.useFakeTimers();
    const s = socketPair();
    const ids = new MessageIds();
    const sending = sendText(s, ids, message);
    const outcome = expect(sending).rejects.toMatchObject({ name: 'SendStalledError', stage: 'ack' });
    await vi.advanceTimersByTimeAsync(SERVER_ACK_TIMEOUT_MS);
    await outcome;
    await expect(sending).rejects.toBeInstanceOf(SessionNotConnectedError);
    expect(s.closes).toEqual(['closed']);
    expect(ids.has(message.messageId)).toBe(false);
  });

  it('counts the ack time from the frame leaving: a frame held behind a receipt past 15 s is not a stall', async () => {
    vi.useFakeTimers();
    const s = socketPair();
    s.gate.hold('3EB0INCOMING00000001');
    const sending = sendText(s, new MessageIds(), message);
    await vi.advanceTimersByTimeAsync(SERVER_ACK_TIMEOUT_MS + 5_000);
    expect(s.wire).toEqual([]);
    s.gate.release('3EB0INCOMING00000001');
    await vi.advanceTimersByTimeAsync(10);
    expect(s.wire).toEqual(['message stanza']);
    s.ack(message.messageId);
    await expect(sending).resolves.toBe('sent');
    expect(s.closes).toEqual([]);
  });

  it('stalls behind a receipt held past SEND_STALL_MS without closing the socket: the wait is our storage', async () => {
    vi.useFakeTimers();
    const s = socketPair();
    s.gate.hold('3EB0INCOMING00000002');
    const sending = sendText(s, new MessageIds(), message);
    // It says what held it: one incoming message's receipt, with the stanza behind it.
    const outcome = expect(sending).rejects.toMatchObject({
      name: 'SendStalledError',
      stage: 'gate',
      waits: { messageHolds: 1, commitHolds: 0, heldFrames: 1, pendingQueries: 0 },
    });
    await vi.advanceTimersByTimeAsync(SEND_STALL_MS);
    await outcome;
    expect(s.closes).toEqual([]);
  });

  it('stalls when it never reaches the wire within SEND_STALL_MS: the socket is closed', async () => {
    vi.useFakeTimers();
    const s = socketPair({ stuck: true });
    const sending = sendText(s, new MessageIds(), message);
    const outcome = expect(sending).rejects.toMatchObject({ name: 'SendStalledError', stage: 'encrypt' });
    await vi.advanceTimersByTimeAsync(SEND_STALL_MS - 1);
    expect(s.closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(s.closes).toEqual(['closed']);
    expect(s.wire).toEqual([]);
  });

  it('is not sent when no ack comes within the timeout, though the socket stays open', async () => {
    vi.useFakeTimers();
    const s = socketPair();
    const acked = s.gate.whenAcked(message.messageId, 15_000);
    vi.advanceTimersByTime(14_999);
    s.ack('some other message');
    vi.advanceTimersByTime(1);
    await expect(acked).rejects.toBeInstanceOf(AckTimeoutError);
    // A late ack finds nobody waiting.
    expect(() => s.ack(message.messageId)).not.toThrow();
  });
});

afterEach(() => {
  vi.useRealTimers();
});
