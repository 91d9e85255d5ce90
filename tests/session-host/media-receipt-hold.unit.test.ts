/**
 * A media message's receipt waits for its media: the gate's short fallback
 * (for messages that never reach upsert) is replaced by the transfer bound.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReceiptGate } from '../../session-host/src/runtime/receipt-gate.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('receipt gate for media messages', () => {
  it('keeps holding past the fallback once extended, and lets go at the extended bound', () => {
    const fallbacks: number[] = [];
    const gate = new ReceiptGate({ fallbackMs: 2_000, onFallback: () => fallbacks.push(1) });
    gate.hold('MSG1');
    gate.extend('MSG1', 65_000);
    vi.advanceTimersByTime(10_000);
    expect(gate.isHolding).toBe(true);
    expect(fallbacks).toHaveLength(0);
    vi.advanceTimersByTime(56_000);
    expect(gate.isHolding).toBe(false);
    expect(fallbacks).toHaveLength(1);
  });

  it('releases an extended hold as soon as the event is durable', () => {
    const gate = new ReceiptGate({ fallbackMs: 2_000, onFallback: () => undefined });
    gate.hold('MSG2');
    gate.extend('MSG2', 65_000);
    gate.release('MSG2');
    expect(gate.isHolding).toBe(false);
  });

  it('does not start holding a message it was not holding', () => {
    const gate = new ReceiptGate({ fallbackMs: 2_000, onFallback: () => undefined });
    gate.extend('MSG3', 65_000);
    expect(gate.isHolding).toBe(false);
  });
});
