/**
 * Helpers of the media end-to-end test: link a demo session through the
 * public API and the fake's control API, upload through a presigned URL, and
 * fixtures for each kind (small, real headers that file-type recognises).
 */
import { createHash } from 'node:crypto';
import type { MediaKind } from '#commons/domain/media.ts';
import {
  type ApiClient,
  type ControlClient,
  createApiClient,
  createControlClient,
  type EventStream,
  type Json,
  openEventStream,
} from '../../infra/local/demo-clients.ts';
import { linkByQr } from '../../infra/local/demo-flow-phases.ts';
import { mediaBytes } from '../session-host/media-fixture-bytes.ts';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A valid 1×1 PNG (file-type reads its chunks, so random bytes after the signature would not do). */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface MediaCase {
  readonly name: string;
  readonly kind: MediaKind;
  readonly bytes: Buffer;
  readonly mimetype: string;
  /** What the send body adds beside the source (caption, fileName, ptt). */
  readonly extras: Json;
}

/** One case per kind WhatsApp knows (image both as JPEG and PNG), each with what its kind allows. */
export function mediaCases(): MediaCase[] {
  const of = (kind: MediaKind, size: number) => mediaBytes(kind, size);
  return [
    { name: 'image/jpeg', kind: 'image', ...of('image', 12_000), extras: { caption: 'a jpeg' } },
    { name: 'image/png', kind: 'image', bytes: PNG_1X1, mimetype: 'image/png', extras: { caption: 'a png' } },
    { name: 'video/mp4', kind: 'video', ...of('video', 30_000), extras: { caption: 'a clip' } },
    { name: 'voice note', kind: 'audio', ...of('audio', 9_000), extras: { ptt: true } },
    {
      name: 'document/pdf',
      kind: 'document',
      ...of('document', 25_000),
      extras: { fileName: 'report.pdf', caption: 'the report' },
    },
    { name: 'sticker/webp', kind: 'sticker', ...of('sticker', 6_000), extras: {} },
  ];
}

/** POST /media, then PUT the bytes to the presigned URL with exactly the signed headers. */
export async function uploadMedia(
  api: ApiClient,
  sessionPath: string,
  kind: MediaKind,
  bytes: Buffer,
  mimetype: string,
): Promise<string> {
  const created = (await api.expect(201, 'POST', `${sessionPath}/media`, {
    kind,
    mimetype,
    size: bytes.length,
  })) as { mediaId: string; upload: { url: string; method: string; headers: Record<string, string> } };
  const put = await fetch(created.upload.url, {
    method: created.upload.method,
    headers: created.upload.headers,
    body: bytes,
    signal: AbortSignal.timeout(15_000),
  });
  if (put.status !== 200) throw new Error(`upload PUT answered ${put.status}: ${await put.text()}`);
  return created.mediaId;
}

export interface LinkedSession {
  readonly api: ApiClient;
  readonly control: ControlClient;
  readonly events: EventStream;
  readonly id: string;
  readonly path: string;
}

/** Creates, subscribes, starts and links a session by QR (the phone scans through the control API). */
export async function linkSession(
  urls: { apiUrl: string; wsUrl: string; controlUrl: string },
  token: string,
  phone: string,
  name: string,
): Promise<LinkedSession> {
  const api = createApiClient(urls.apiUrl, token);
  const control = createControlClient(urls.controlUrl);
  const session = await api.expect(201, 'POST', '/v1/sessions', { name });
  const id = String(session.id);
  const path = `/v1/sessions/${id}`;
  const events = await openEventStream(urls.wsUrl, token);
  await events.subscribe(id);
  await linkByQr({
    options: { ...urls, token, scan: { controlUrl: urls.controlUrl, phone, contact: '' }, qrRefresh: false },
    api,
    control,
    events,
    step: (_name, run) => run(),
    id,
    path,
    stepMs: 15_000,
    humanMs: 15_000,
  });
  return { api, control, events, id, path };
}

/** The session's `session:message` event of WhatsApp message `waId`. */
export function messageEvent(events: EventStream, sessionId: string, waId: string): Promise<Json> {
  return events.waitFor(
    (m) =>
      m.sessionId === sessionId &&
      m.type === 'session:message' &&
      m.snapshot !== true &&
      (m.data as Json | undefined)?.id === waId,
    `session:message ${waId}`,
    20_000,
  );
}
