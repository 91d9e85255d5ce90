/** The answer of POST /v1/sessions/{id}/media. */
export interface MediaUpload {
  mediaId: string;
  upload: { url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string };
}

export class UploadError extends Error {
  readonly code = 'UPLOAD_FAILED';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** Headers a page may not set itself; the browser derives them from the body. */
const BROWSER_SET = new Set(['content-length', 'host']);

/**
 * PUTs the file to the presigned URL with the signed headers, reporting
 * progress as a fraction. XMLHttpRequest, because fetch reports no upload
 * progress. The URL is storage's, not the API's: no bearer token goes there.
 */
export function putToPresignedUrl(
  upload: MediaUpload['upload'],
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers))
      if (!BROWSER_SET.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else reject(new UploadError(`storage answered ${xhr.status}`, xhr.status));
    };
    xhr.onerror = () =>
      reject(new UploadError('storage could not be reached, or refused the browser (CORS or CSP)'));
    xhr.onabort = () => reject(new UploadError('upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
