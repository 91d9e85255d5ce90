import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { Button } from '../ui/button.tsx';
import { describeError } from './error-text.ts';
import type { Session } from './types.ts';
import { sessionPath } from './use-session-page.ts';

/** A code is given only while the session waits for a link on its host. */
const PAIRING_ADVICE = {
  SESSION_NOT_CONNECTED:
    'The session is not waiting for a link on a host (stopped, or already linked). Start it and wait for the QR.',
};

/** Asks for a pairing code: the alternative to scanning, typed on the phone. */
export function PairingForm({ session }: { session: Session }) {
  const [phone, setPhone] = useState(session.phoneNumber ?? '');
  const [code, setCode] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setCode(undefined);
    try {
      const answer = await api<{ code: string }>('POST', sessionPath(session.id, '/pairing-code'), {
        phoneNumber: phone,
      });
      setCode(answer.code);
    } catch (err) {
      setError(err instanceof ApiError ? describeError(err, PAIRING_ADVICE) : 'The request failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="pairing-heading">
      <h2 id="pairing-heading">Pairing code</h2>
      <form onSubmit={submit}>
        <label for="pairing-phone">Phone number (international format)</label>
        <div class="row">
          <input
            id="pairing-phone"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            required
            placeholder="+49 151 23456789"
            value={phone}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? 'Requesting…' : 'Get pairing code'}
          </Button>
        </div>
      </form>
      {code && (
        <p role="status">
          Type this code on the phone (WhatsApp, Linked devices, Link with phone number):{' '}
          <strong class="pairing-code">{code}</strong>
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
