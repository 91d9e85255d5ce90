import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestAws } from '../support/aws.ts';
import { UnitLaneError } from '../support/unit-lane.ts';

// These hold only inside the unit project: they prove that a test needing AWS, a server
// or the network fails loudly there instead of passing by luck or hanging.
describe('the unit project', () => {
  it('refuses the embedded AWS, which only the other projects start', async () => {
    await expect(createTestAws('unit-lane')).rejects.toThrow(UnitLaneError);
  });

  it('refuses a network connection', () => {
    expect(() => connect({ host: '127.0.0.1', port: 9 })).toThrow(UnitLaneError);
  });

  it('refuses to start a server', () => {
    const server = createServer();
    expect(() => server.listen(0, '127.0.0.1')).toThrow(UnitLaneError);
  });
});
