import { describe, expect, it } from 'vitest';
import { describeError } from '../../functions/dashboard/client/session/error-text.ts';
import { summarizeEvent } from '../../functions/dashboard/client/session/event-summary.ts';
import {
  HISTORY_PAGE_SIZE,
  newerPageAfter,
  newestPageAfter,
  olderPageAfter,
} from '../../functions/dashboard/client/session/history-paging.ts';
import { lastContactChat } from '../../functions/dashboard/client/session/last-contact.ts';
import {
  EMPTY_LIVE_STREAM,
  LIVE_EVENTS_SHOWN,
  PAUSED_EVENTS_LIMIT,
  pauseLiveStream,
  receiveLiveEvent,
  resumeLiveStream,
} from '../../functions/dashboard/client/session/live-stream-state.ts';
import { applyStatusEvent, trackSent } from '../../functions/dashboard/client/session/message-statuses.ts';
import {
  INITIAL_PAGE_STATE,
  sessionPageReducer,
} from '../../functions/dashboard/client/session/page-state.ts';
import { mediaSendBody } from '../../functions/dashboard/client/session/send-content.ts';
import type { Session, SessionEvent } from '../../functions/dashboard/client/session/types.ts';

const event = (
  seq: number,
  type: string,
  data: Record<string, unknown> = {},
  snapshot = false,
): SessionEvent => ({
  v: 1,
  type,
  sessionId: 'ses_1',
  seq,
  eventId: `e${seq}`,
  at: '2026-12-01T10:00:00.000Z',
  data,
  ...(snapshot && { snapshot: true }),
});

const session: Session = {
  id: 'ses_1',
  tenantId: 'demo',
  status: 'STARTING',
  desired: 'RUNNING',
  qrAvailable: false,
  createdAt: '',
  updatedAt: '',
};

describe('live stream', () => {
  it('shows events newest first, keeping the last LIVE_EVENTS_SHOWN', () => {
    let s = EMPTY_LIVE_STREAM;
    for (let seq = 1; seq <= LIVE_EVENTS_SHOWN + 5; seq++) s = receiveLiveEvent(s, event(seq, 'x'));
    expect(s.shown).toHaveLength(LIVE_EVENTS_SHOWN);
    expect(s.shown[0]?.seq).toBe(LIVE_EVENTS_SHOWN + 5);
  });

  it('holds events while paused and shows them in order on resume', () => {
    let s = receiveLiveEvent(EMPTY_LIVE_STREAM, event(1, 'x'));
    s = pauseLiveStream(s);
    s = receiveLiveEvent(receiveLiveEvent(s, event(2, 'x')), event(3, 'x'));
    expect(s.shown.map((e) => e.seq)).toEqual([1]);
    expect(s.held.map((e) => e.seq)).toEqual([2, 3]);
    s = resumeLiveStream(s);
    expect(s.shown.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(s.held).toEqual([]);
  });

  it('drops the oldest held events past PAUSED_EVENTS_LIMIT and says how many on resume', () => {
    let s = pauseLiveStream(EMPTY_LIVE_STREAM);
    for (let seq = 1; seq <= PAUSED_EVENTS_LIMIT + 7; seq++) s = receiveLiveEvent(s, event(seq, 'x'));
    expect(s.held).toHaveLength(PAUSED_EVENTS_LIMIT);
    expect(s.held[0]?.seq).toBe(8);
    expect(s.droppedWhilePaused).toBe(7);
    s = resumeLiveStream(s);
    expect(s.droppedLastPause).toBe(7);
    expect(s.shown[0]?.seq).toBe(PAUSED_EVENTS_LIMIT + 7);
  });
});

describe('message statuses', () => {
  const sent = { id: 'm1', to: '15550000002', summary: 'hi', status: 'QUEUED' };

  it('moves forward with status events and never back', () => {
    let list = trackSent([], sent);
    list = applyStatusEvent(
      list,
      event(1, 'session:message-status', { id: 'm1', status: 'SENT', fromMe: true }),
    );
    list = applyStatusEvent(
      list,
      event(2, 'session:message-status', { id: 'm1', status: 'DELIVERED', fromMe: true }),
    );
    list = applyStatusEvent(
      list,
      event(3, 'session:message-status', { id: 'm1', status: 'SENT', fromMe: true }),
    );
    expect(list[0]?.status).toBe('DELIVERED');
  });

  it('keeps a live status that arrived before the send answered QUEUED', () => {
    let list = applyStatusEvent(
      [],
      event(1, 'session:message-status', { id: 'm1', status: 'SENT', fromMe: true }),
    );
    list = trackSent(list, sent);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'm1', status: 'SENT', summary: 'hi', to: '15550000002' });
  });

  it('records why a message failed', () => {
    const list = applyStatusEvent(
      trackSent([], sent),
      event(1, 'session:message-status', {
        id: 'm1',
        status: 'FAILED',
        fromMe: true,
        error: { code: 'INVALID_RECIPIENT', message: 'not on WhatsApp' },
      }),
    );
    expect(list[0]).toMatchObject({ status: 'FAILED', error: { code: 'INVALID_RECIPIENT' } });
  });

  it('ignores statuses of messages the session received', () => {
    const list = applyStatusEvent(
      [],
      event(1, 'session:message-status', { id: 'x', status: 'READ', fromMe: false }),
    );
    expect(list).toEqual([]);
  });
});

describe('page state', () => {
  it('follows status, QR and linking from events', () => {
    let s = sessionPageReducer(INITIAL_PAGE_STATE, { type: 'loaded', session });
    s = sessionPageReducer(s, { type: 'event', event: event(1, 'session:status', { status: 'QR' }) });
    s = sessionPageReducer(s, {
      type: 'event',
      event: event(2, 'qr', { qr: 'ref', qrSeq: 1, expiresAt: '2026-12-01T10:00:20.000Z' }),
    });
    expect(s.session?.status).toBe('QR');
    expect(s.qr).toEqual({ seq: 1, expiresAt: '2026-12-01T10:00:20.000Z' });
    s = sessionPageReducer(s, {
      type: 'event',
      event: event(3, 'qr', { qr: 'ref2', qrSeq: 2, expiresAt: '2026-12-01T10:00:40.000Z' }),
    });
    expect(s.qr?.seq).toBe(2);
    s = sessionPageReducer(s, {
      type: 'event',
      event: event(4, 'session:connected', { me: { jid: 'j', phoneNumber: '15550000001' } }),
    });
    expect(s.session).toMatchObject({ status: 'CONNECTED', me: { phoneNumber: '15550000001' } });
    expect(s.qr).toBeUndefined();
    expect(s.stream.shown.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
  });

  it('applies a snapshot to the state without listing it as an event', () => {
    let s = sessionPageReducer(INITIAL_PAGE_STATE, { type: 'loaded', session });
    s = sessionPageReducer(s, {
      type: 'event',
      event: event(9, 'qr', { qr: 'ref', qrSeq: 3, expiresAt: '2026-12-01T10:00:20.000Z' }, true),
    });
    expect(s.qr?.seq).toBe(3);
    expect(s.stream.shown).toEqual([]);
  });

  it('keeps the live status when an action’s answer arrives after the event it caused', () => {
    let s = sessionPageReducer(INITIAL_PAGE_STATE, {
      type: 'loaded',
      session: { ...session, status: 'CONNECTED' },
    });
    s = sessionPageReducer(s, { type: 'event', event: event(7, 'session:status', { status: 'STOPPED' }) });
    s = sessionPageReducer(s, {
      type: 'acted',
      session: { ...session, status: 'CONNECTED', desired: 'STOPPED' },
    });
    expect(s.session).toMatchObject({ status: 'STOPPED', desired: 'STOPPED' });
  });

  it('does not let an older QR replace a newer one', () => {
    let s = sessionPageReducer(INITIAL_PAGE_STATE, { type: 'qr', qr: { seq: 4, expiresAt: 'a' } });
    s = sessionPageReducer(s, { type: 'qr', qr: { seq: 3, expiresAt: 'b' } });
    expect(s.qr).toEqual({ seq: 4, expiresAt: 'a' });
  });
});

describe('history paging', () => {
  it('starts at the page ending at the log’s last event and pages back to the start', () => {
    expect(newestPageAfter(60)).toBe(60 - HISTORY_PAGE_SIZE);
    expect(newestPageAfter(3)).toBe(0);
    expect(olderPageAfter(35)).toBe(35 - HISTORY_PAGE_SIZE);
    expect(olderPageAfter(10)).toBe(0);
    expect(olderPageAfter(0)).toBeUndefined();
  });

  it('offers a newer page only until the log’s end', () => {
    expect(newerPageAfter({ lastShownSeq: 25, lastSeq: 60 })).toBe(25);
    expect(newerPageAfter({ lastShownSeq: 60, lastSeq: 60 })).toBeUndefined();
    expect(newerPageAfter({ lastShownSeq: undefined, lastSeq: 60 })).toBeUndefined();
  });
});

describe('event summaries', () => {
  it('keeps what a contact wrote as it is, markup included', () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const line = summarizeEvent(
      event(1, 'session:message', {
        fromMe: false,
        pushName: '<script>window.__pwned=1</script>',
        text: hostile,
        media: { kind: 'document', mimetype: 'text/html', fileName: '<b>x</b>.html', caption: 'c' },
      }),
    );
    expect(line).toBe(`<script>window.__pwned=1</script>: [document] <b>x</b>.html c ${hostile}`);
  });

  it('never includes the QR string', () => {
    expect(summarizeEvent(event(1, 'qr', { qr: 'SECRET-REF', qrSeq: 2, expiresAt: 'x' }))).not.toContain(
      'SECRET',
    );
  });
});

describe('send form', () => {
  it('puts caption and file name only on the kinds that take them', () => {
    expect(mediaSendBody('1', 'document', 'med_1', { caption: 'c', fileName: 'a.pdf' })).toMatchObject({
      document: { mediaId: 'med_1', caption: 'c', fileName: 'a.pdf' },
    });
    const audio = mediaSendBody('1', 'audio', 'med_1', { caption: 'c', fileName: 'a.ogg' });
    expect(audio.audio).toEqual({ mediaId: 'med_1' });
  });

  it('answers to the last contact who wrote', () => {
    const events = [
      event(3, 'session:message', { fromMe: true, chat: 'me@s.whatsapp.net' }),
      event(2, 'session:message', { fromMe: false, chat: '15550000002@s.whatsapp.net' }),
    ];
    expect(lastContactChat(events)).toBe('15550000002@s.whatsapp.net');
  });
});

describe('error text', () => {
  it('names the code, says what to do and when to retry', () => {
    expect(describeError({ code: 'RATE_LIMITED', message: 'x', retryAfter: 12 })).toBe(
      'RATE_LIMITED: Too many requests. Retry in 12 s.',
    );
  });

  it('lets a form say what a code means there, and falls back to the API’s message', () => {
    expect(describeError({ code: 'SESSION_NOT_CONNECTED' }, { SESSION_NOT_CONNECTED: 'not linking' })).toBe(
      'SESSION_NOT_CONNECTED: not linking',
    );
    expect(describeError({ code: 'SOMETHING_NEW', message: 'as the API said' })).toBe(
      'SOMETHING_NEW: as the API said',
    );
  });
});
