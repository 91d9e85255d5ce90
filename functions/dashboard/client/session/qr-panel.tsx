import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiFetch } from '../api.ts';
import type { QrShown } from './page-state.ts';
import type { Session } from './types.ts';
import { useCountdown } from './use-countdown.ts';
import { sessionPath } from './use-session-page.ts';

interface QrImage {
  readonly seq: number;
  readonly url: string;
}

/**
 * The QR as a PNG the API draws. An <img src> cannot send the bearer token,
 * so the image is fetched and shown from a blob: URL (the CSP allows blob:
 * images), which is revoked when the next QR replaces it.
 */
function useQrImage(sessionId: string, qr: QrShown | undefined): { image?: QrImage; error?: string } {
  const [image, setImage] = useState<QrImage | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const seq = qr?.seq;
  useEffect(() => {
    if (seq === undefined) {
      setImage(undefined);
      return;
    }
    let active = true;
    let url: string | undefined;
    setError(undefined);
    apiFetch('GET', sessionPath(sessionId, '/qr?format=png'))
      .then((res) => res.blob())
      .then((blob) => {
        if (!active) return;
        url = URL.createObjectURL(blob);
        setImage({ seq, url });
      })
      .catch((err: unknown) => {
        if (!active) return;
        setError(
          err instanceof ApiError && err.code === 'QR_NOT_AVAILABLE'
            ? 'This QR expired before it could be shown; the next one follows.'
            : `The QR could not be loaded (${err instanceof ApiError ? err.code : 'error'}).`,
        );
      });
    return () => {
      active = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [sessionId, seq]);
  return { ...(image && { image }), ...(error && { error }) };
}

function Countdown({ expiresAt }: { expiresAt: string }) {
  const seconds = useCountdown(expiresAt);
  if (seconds === undefined) return null;
  return (
    <p class="qr-countdown" aria-live="off">
      {seconds > 0 ? `Expires in ${seconds} s` : 'Expired — a new QR follows while the session waits.'}
    </p>
  );
}

function Linked({ session }: { session: Session }) {
  const me = session.me;
  return (
    <div class="qr-linked">
      <p>
        <strong>Linked</strong>
        {me ? ` as +${me.phoneNumber}` : ''}
        {me?.name ? ` (${me.name})` : ''}.
      </p>
      <p class="muted">
        No QR is needed while the session keeps its auth state; log out to link another phone.
      </p>
    </div>
  );
}

function Waiting({ session }: { session: Session }) {
  const text: Record<string, string> = {
    STOPPED: 'Start the session to get a QR code.',
    STARTING: 'Starting on a session host; the QR follows.',
    QR: 'Waiting for the QR…',
    DISCONNECTED: 'The connection dropped; the host reconnects.',
    LOGGED_OUT: 'Logged out. Start the session to link a phone again.',
    FAILED: 'The session failed. Restart it, or log out to link again.',
  };
  return <p class="muted">{text[session.status] ?? session.status}</p>;
}

export function QrPanel({ session, qr }: { session: Session; qr: QrShown | undefined }) {
  const { image, error } = useQrImage(session.id, qr);
  const linked = session.status === 'CONNECTED';
  return (
    <section class="card qr-panel" aria-labelledby="qr-heading">
      <h2 id="qr-heading">Link a phone</h2>
      {qr && image ? (
        <figure>
          <img
            class="qr-image"
            src={image.url}
            width={320}
            height={320}
            alt={`QR code number ${image.seq}: scan it in WhatsApp, Settings, Linked devices`}
          />
          <figcaption>
            QR #{image.seq}. <Countdown expiresAt={qr.expiresAt} />
          </figcaption>
        </figure>
      ) : linked ? (
        <Linked session={session} />
      ) : (
        <Waiting session={session} />
      )}
      {error && (
        <p class="error" role="status">
          {error}
        </p>
      )}
    </section>
  );
}
