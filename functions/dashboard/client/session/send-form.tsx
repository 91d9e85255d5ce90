import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { dashboardConfig } from '../config.ts';
import { Button } from '../ui/button.tsx';
import { describeError } from './error-text.ts';
import { type MediaUpload, putToPresignedUrl, UploadError } from './media-upload.ts';
import {
  ACCEPT,
  type MediaKind,
  mediaSendBody,
  newIdempotencyKey,
  SEND_KINDS,
  type SendKind,
  takesCaption,
  uploadMimetype,
} from './send-content.ts';
import { sessionPath } from './use-session-page.ts';

interface Sent {
  readonly id: string;
  readonly to: string;
  readonly summary: string;
  readonly status: string;
}

const describe = (err: unknown): string =>
  err instanceof ApiError || err instanceof UploadError
    ? describeError({ code: err.code, message: err.message, retryAfter: (err as ApiError).retryAfter })
    : 'The message could not be sent.';

/**
 * Text, or a file: POST …/media for a presigned URL, PUT the bytes there
 * (progress shown), then send by mediaId (README "Media").
 */
export function SendForm({
  sessionId,
  defaultTo,
  onSent,
}: {
  sessionId: string;
  defaultTo: string;
  onSent: (sent: Sent) => void;
}) {
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<SendKind>('text');
  const [text, setText] = useState('');
  const [caption, setCaption] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const recipient = to.trim() || defaultTo;
  // Media goes from the browser straight to the media bucket, which must admit this page (CORS, CSP).
  const uploads = Boolean(dashboardConfig().mediaUploadOrigin);
  const kinds = uploads ? SEND_KINDS : (['text'] as const);

  const sendMedia = async (
    mediaKind: MediaKind,
    picked: File,
  ): Promise<{ messageId: string; status: string }> => {
    const upload = await api<MediaUpload>('POST', sessionPath(sessionId, '/media'), {
      kind: mediaKind,
      mimetype: uploadMimetype(picked, mediaKind),
      size: picked.size,
    });
    setProgress(0);
    await putToPresignedUrl(upload.upload, picked, setProgress);
    return api('POST', sessionPath(sessionId, '/messages'), {
      ...mediaSendBody(recipient, mediaKind, upload.mediaId, { caption, fileName: picked.name }),
    });
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setProgress(undefined);
    if (kind !== 'text' && !file) return setError('Pick a file to send.');
    setBusy(true);
    try {
      const answer =
        kind === 'text'
          ? await api<{ messageId: string; status: string }>('POST', sessionPath(sessionId, '/messages'), {
              to: recipient,
              text,
              idempotencyKey: newIdempotencyKey(),
            })
          : await sendMedia(kind, file as File);
      const summary = kind === 'text' ? text : `[${kind}] ${(file as File).name}`;
      onSent({ id: answer.messageId, to: recipient, summary, status: answer.status });
      setText('');
      setCaption('');
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="send-heading">
      <h2 id="send-heading">Send a message</h2>
      <form onSubmit={submit} class="stack">
        <label for="send-to">To (phone number or chat)</label>
        <input
          id="send-to"
          type="text"
          autoComplete="off"
          required={!defaultTo}
          placeholder={defaultTo || '15550000002'}
          value={to}
          onInput={(e) => setTo(e.currentTarget.value)}
        />
        <label for="send-kind">Kind</label>
        <select id="send-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as SendKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {kind === 'text' ? (
          <>
            <label for="send-text">Text</label>
            <textarea
              id="send-text"
              required
              maxLength={4096}
              rows={3}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </>
        ) : (
          <>
            <label for="send-file">File</label>
            <input
              id="send-file"
              type="file"
              accept={ACCEPT[kind] || undefined}
              onChange={(e) => setFile(e.currentTarget.files?.[0])}
            />
            {takesCaption(kind) && (
              <>
                <label for="send-caption">Caption (optional)</label>
                <input
                  id="send-caption"
                  type="text"
                  maxLength={1024}
                  value={caption}
                  onInput={(e) => setCaption(e.currentTarget.value)}
                />
              </>
            )}
          </>
        )}
        {progress !== undefined && (
          <label>
            Upload
            <progress max={1} value={progress} aria-label="Upload progress" />
          </label>
        )}
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send'}
        </Button>
      </form>
      {!uploads && (
        <p class="muted">
          Media cannot be uploaded from this page here: the media bucket does not admit uploads from the
          browser. Send media through the API (README, Media).
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
