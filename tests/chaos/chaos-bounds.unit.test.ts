import { describe, expect, it } from 'vitest';
import { chaosOptionsProblem } from './chaos-bounds.ts';

describe('what a chaos run accepts', () => {
  it('takes the defaults and the bounds themselves', () => {
    expect(chaosOptionsProblem({ hosts: 3, sessions: 6, minutes: 2 })).toBeUndefined();
    expect(chaosOptionsProblem({ hosts: 2, sessions: 1, minutes: 0.1 })).toBeUndefined();
    expect(chaosOptionsProblem({ hosts: 8, sessions: 50, minutes: 120 })).toBeUndefined();
  });

  it('refuses one host, fractions, a fleet past one machine and nonsense, naming the option', () => {
    expect(chaosOptionsProblem({ hosts: 1, sessions: 6, minutes: 2 })).toContain('--hosts');
    expect(chaosOptionsProblem({ hosts: 2.5, sessions: 6, minutes: 2 })).toContain('whole');
    expect(chaosOptionsProblem({ hosts: 100, sessions: 6, minutes: 2 })).toContain('--hosts');
    expect(chaosOptionsProblem({ hosts: 3, sessions: 51, minutes: 2 })).toContain('--sessions');
    expect(chaosOptionsProblem({ hosts: 3, sessions: 6, minutes: Number.NaN })).toContain('--minutes');
  });
});
