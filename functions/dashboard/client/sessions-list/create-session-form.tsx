import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Button } from '../ui/button.tsx';
import type { SessionView } from './session-types.ts';

/** Creates a STOPPED session by name; errors (SESSION_NAME_TAKEN, QUOTA_EXCEEDED…) go to `onError`. */
export function CreateSessionForm({
  tenant,
  onCreated,
  onError,
}: {
  /** The tenant to create in (MASTER acting on another tenant); its own when undefined. */
  readonly tenant?: string | undefined;
  readonly onCreated: (session: SessionView) => void;
  readonly onError: (err: unknown) => void;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const trimmed = name.trim();
      const session = await api<SessionView>(
        'POST',
        `/v1/sessions${query({ tenantId: tenant })}`,
        trimmed ? { name: trimmed } : {},
      );
      setName('');
      onCreated(session);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Create a session">
      <label for="new-session-name">New session name</label>
      <input
        id="new-session-name"
        name="name"
        value={name}
        maxLength={64}
        placeholder="support-line"
        autocomplete="off"
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
      />
      <Button type="submit" variant="primary" disabled={busy}>
        Create session
      </Button>
    </form>
  );
}
