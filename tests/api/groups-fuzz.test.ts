import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GROUP_JID_PATTERN,
  MAX_GROUP_PARTICIPANTS_PER_CALL,
  PARTICIPANT_PATTERN,
} from '#commons/domain/groups.ts';
import type { HostGroupCommand } from '#commons/hosts/host-groups.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

/** Property: no input to a group route answers 5xx, and the host only ever gets well-formed commands. */
let h: ApiHarness;
let token: string;
let sessionId: string;
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

beforeAll(async () => {
  h = await createApiHarness('groups-fuzz');
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-groups-fuzz', expiresAt: 4_000_000_000 });
  sessionId = await h.createSession(token);
  await h.request('POST', `/v1/sessions/${sessionId}/start`, { token });
  await h.hostWrites(sessionId, { status: 'CONNECTED', epoch: 1 });
  h.hostClient.onGroup = async (command: HostGroupCommand) => {
    const group = {
      jid: '120363025246125888@g.us',
      subject: 's',
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
});
afterAll(() => h.destroy());

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const groupJid = fc.oneof(
  fc.stringMatching(/^[0-9]{6,20}@g\.us$/),
  fc.stringMatching(/^[0-9]{4,22}(-[0-9]{1,14})?@(g\.us|s\.whatsapp\.net|lid|broadcast)$/),
  text,
);
const participant = fc.oneof(
  fc.stringMatching(/^\+?[0-9]{5,16}(:[0-9]{1,2})?(@s\.whatsapp\.net|@lid|@g\.us)?$/),
  text,
  fc.integer(),
);
const participants = fc.oneof(
  fc.array(participant, { maxLength: 8 }),
  fc.array(fc.stringMatching(/^[1-9][0-9]{9}$/), { minLength: 45, maxLength: 60 }),
  fc.anything(),
);
const body = fc.oneof(
  fc.record(
    { subject: fc.oneof(text, fc.string({ minLength: 90, maxLength: 120 })), participants },
    { requiredKeys: [] },
  ),
  fc.record({ add: participants, remove: participants, extra: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
);

async function call(method: string, path: string, payload?: unknown): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let raw: string | undefined;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    raw = JSON.stringify(payload) ?? 'null';
  }
  const res = await h.app.request(path, { method, headers, ...(raw !== undefined && { body: raw }) });
  const answer = await res.text();
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${answer}`);
  return res.status;
}

describe('fuzzing the group routes', () => {
  it('never answers 5xx and forwards only valid group commands', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('read', 'create', 'participants', 'leave'),
        groupJid,
        body,
        async (route, jid, payload) => {
          const base = `/v1/sessions/${sessionId}/groups`;
          const encoded = encodeURIComponent(jid);
          if (route === 'read') statuses.add(await call('GET', `${base}/${encoded}`));
          if (route === 'create') statuses.add(await call('POST', base, payload));
          if (route === 'participants')
            statuses.add(await call('POST', `${base}/${encoded}/participants`, payload));
          if (route === 'leave') statuses.add(await call('POST', `${base}/${encoded}/leave`));
        },
      ),
      { numRuns: RUNS },
    );
    for (const call of h.hostClient.callsOf('group')) {
      const command = call.group as HostGroupCommand;
      if ('group' in command) expect(command.group).toMatch(GROUP_JID_PATTERN);
      if ('participants' in command) {
        expect(command.participants.length).toBeLessThanOrEqual(MAX_GROUP_PARTICIPANTS_PER_CALL);
        for (const p of command.participants) expect(p).toMatch(PARTICIPANT_PATTERN);
      }
    }
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
  });
});
