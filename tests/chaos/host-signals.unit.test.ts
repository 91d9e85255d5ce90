import { describe, expect, it } from 'vitest';
import { countHostSignals } from './host-signals.ts';

describe('host signals of a chaos run', () => {
  it('counts each named line over every host, and nothing else', () => {
    const counts = countHostSignals({
      'chaos-0-1': [
        { msg: 'send stalled', stage: 'encrypt' },
        { msg: 'lease lost: sessions suspended' },
        { msg: 'session connected' },
      ],
      'chaos-1-2': [
        { msg: 'send stalled', stage: 'gate' },
        { msg: 'key work started after its transaction ended; given its own' },
        { raw: 'not json' },
      ],
    });
    expect(counts).toEqual({ sendStalls: 2, keyWorkAfterEnd: 1, leaseLost: 1, fencedAll: 0 });
  });
});
