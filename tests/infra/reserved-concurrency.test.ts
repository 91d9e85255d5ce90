import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESERVED_CONCURRENCY } from '../../infra/stacks/api-stack.ts';
import { type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
beforeAll(() => {
  z = synthZapfleet({});
});

const props = (which: 'apiFunction' | 'wsFunction') =>
  z.api.toJSON().Resources[z.logicalId(z.stacks.api[which].function)].Properties;

describe('reserved concurrency', () => {
  it('reserves the documented default for the API and WebSocket Lambdas', () => {
    expect(props('apiFunction').ReservedConcurrentExecutions).toBe(DEFAULT_RESERVED_CONCURRENCY.api);
    expect(props('wsFunction').ReservedConcurrentExecutions).toBe(DEFAULT_RESERVED_CONCURRENCY.ws);
  });
});
