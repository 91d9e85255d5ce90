/** The OpenAPI document describes the media body, routes and errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

let h: ApiHarness;
let doc: {
  paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

beforeAll(async () => {
  h = await createApiHarness('media-doc');
  doc = (await (await h.request('GET', '/v1/openapi.json')).json()) as typeof doc;
});
afterAll(() => h.destroy());

describe('the API description of media', () => {
  it('documents the send body with every content kind', () => {
    expect(Object.keys(doc.components.schemas.SendMessage?.properties ?? {})).toEqual(
      expect.arrayContaining(['to', 'text', 'image', 'video', 'audio', 'document', 'sticker']),
    );
    expect(Object.keys(doc.components.schemas.AudioMedia?.properties ?? {}).sort()).toEqual(
      ['mediaId', 'mimetype', 'ptt', 'url'].sort(),
    );
    expect(doc.components.schemas.StickerMedia?.properties).not.toHaveProperty('caption');
    expect(doc.components.schemas.DocumentMedia?.properties).toHaveProperty('fileName');
  });

  it('documents the media errors of a send', () => {
    const responses = doc.paths['/v1/sessions/{id}/messages']?.post?.responses ?? {};
    expect(responses['404']?.description).toContain('MEDIA_NOT_FOUND');
    expect(responses['413']?.description).toContain('MEDIA_TOO_LARGE');
    expect(responses['415']?.description).toContain('MEDIA_TYPE_MISMATCH');
    expect(responses['422']?.description).toContain('MEDIA_URL_REFUSED');
  });

  it('documents the upload and the download routes', () => {
    const upload = doc.paths['/v1/sessions/{id}/media']?.post?.responses ?? {};
    expect(Object.keys(upload)).toEqual(expect.arrayContaining(['201', '400', '404', '413', '415']));
    const download = doc.paths['/v1/sessions/{id}/media/{mediaId}']?.get?.responses ?? {};
    expect(Object.keys(download)).toEqual(expect.arrayContaining(['302', '400', '404']));
    expect(download['404']?.description).toContain('MEDIA_NOT_FOUND');
  });
});
