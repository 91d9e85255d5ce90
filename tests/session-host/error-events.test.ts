import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostHarness } from './host-harness.ts';

const INTERNALS =
  'User: arn:aws:sts::123456789012:assumed-role/zapfleet-host/abc is not authorized to perform: dynamodb:UpdateItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/zapfleet-data-Sessions1A2B';

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

describe('errors a tenant sees', () => {
  it('carry a stable code and a fixed message when a status write fails; the AWS error stays in the log', async () => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const device = await h.link(sessionId);
    const writeStatus = h.ownership.writeStatus.bind(h.ownership);
    let failures = 0;
    h.ownership.writeStatus = async (...args) => {
      if (args[2].status === 'DISCONNECTED' && failures++ === 0) {
        throw Object.assign(new Error(INTERNALS), { name: 'AccessDeniedException' });
      }
      return writeStatus(...args);
    };

    h.fake.dropConnection(device.jid);
    const error = await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:error' && e.data.code === 'STATE_WRITE_FAILED',
    );
    expect(error.data.message).toBeTypeOf('string');
    const visible = JSON.stringify(error);
    for (const secret of [
      'arn:',
      '123456789012',
      'zapfleet-data-Sessions',
      'AccessDenied',
      'not authorized',
    ]) {
      expect(visible).not.toContain(secret);
    }
    // Operators still see the cause.
    const logged = running.logs.find((l) => l.msg === 'session write failed');
    expect(JSON.stringify(logged?.err)).toContain('123456789012');
  });
});
