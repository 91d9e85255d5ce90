/**
 * A message Baileys could not decrypt because our key storage failed is not
 * given up: its held retry receipt and nack never leave, the socket closes,
 * and WhatsApp delivers it again. One the contact garbled goes as before.
 */
import { EventEmitter } from 'node:events';
import { proto, type WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MessageIds } from '../../session-host/src/messaging/message-ids.ts';
import { createHostMetrics } from '../../session-host/src/metrics.ts';
import { attachMessageIntake, STORAGE_BLAME_MS } from '../../session-host/src/runtime/message-intake.ts';
import { ReceiptGate } from '../../session-host/src/runtime/receipt-gate.ts';
import type { SessionEvents } from '../../session-host/src/runtime/session-events.ts';

function intakeWith(storageFailedAt: number) {
  const ev = new EventEmitter();
  const sent: unknown[] = [];
  const gate = new ReceiptGate({ fallbackMs: 60_000, onFallback: () => undefined });
  const socket = { send: (data: unknown): void => void sent.push(data) };
  // From here on socket.send is the gate's: what Baileys writes is held while a message is.
  gate.attach({ socket, on: () => undefined });
  const metrics = createHostMetrics();
  let closed = 0;
  attachMessageIntake({ ev } as unknown as WASocket, {
    sessionId: 'ses_x',
    gate,
    events: { record: async () => undefined, publish: () => undefined } as unknown as SessionEvents,
    metrics,
    sent: new MessageIds(),
    touch: () => undefined,
    logger: pino({ level: 'silent' }),
    close: () => {
      closed += 1;
    },
    storageFailedAt: () => storageFailedAt,
    storeMedia: async () => {
      throw new Error('no media here');
    },
    mediaHoldMs: 1_000,
  });
  /** A message arrives (its frames held), Baileys answers it with a retry receipt, then upserts the stub. */
  const undecryptable = (id: string): void => {
    gate.hold(id);
    socket.send(`retry-receipt ${id}`);
    ev.emit('messages.upsert', {
      type: 'notify',
      messages: [
        {
          key: { id, remoteJid: '15550000002@s.whatsapp.net', fromMe: false },
          messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT,
          messageStubParameters: ['Bad MAC'],
        },
      ],
    });
  };
  return { gate, sent, metrics, undecryptable, closed: () => closed };
}

describe('an incoming message Baileys could not decrypt', () => {
  it('closes the socket with its retry receipt unsent when key storage failed just before', () => {
    const t = intakeWith(Date.now() - 100);
    t.undecryptable('3EB0AAA1');
    expect(t.closed()).toBe(1);
    expect(t.sent).toEqual([]);
    expect(t.gate.isHolding).toBe(true);
    expect(t.metrics.storageRedeliveries.value).toBe(1);
  });

  it('lets the retry receipt go when storage has not failed lately (the contact must encrypt it again)', () => {
    for (const failedAt of [0, Date.now() - STORAGE_BLAME_MS - 1_000]) {
      const t = intakeWith(failedAt);
      t.undecryptable('3EB0AAA2');
      expect(t.closed()).toBe(0);
      expect(t.sent).toEqual(['retry-receipt 3EB0AAA2']);
      expect(t.metrics.storageRedeliveries.value).toBe(0);
    }
  });
});
