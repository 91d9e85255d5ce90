import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { navigate } from '../router.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { LiveIndicator } from './live-indicator.tsx';
import type { Session } from './types.ts';
import { sessionPath } from './use-session-page.ts';

type Action = 'start' | 'stop' | 'restart' | 'logout' | 'delete';

const LABEL: Record<Action, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  logout: 'Log out',
  delete: 'Delete',
};

/** Logout and delete cannot be undone: they ask first, with what they destroy. */
const CONFIRM: Partial<Record<Action, { title: string; text: string }>> = {
  logout: {
    title: 'Log out this session?',
    text: 'The device is unlinked from the phone and its keys are wiped. Linking again needs a new QR scan.',
  },
  delete: {
    title: 'Delete this session?',
    text: 'The session, its keys, its media and its event history are removed for good.',
  },
};

/** Name, live status and the lifecycle actions of one session. */
export function SessionHeader({ session, onChanged }: { session: Session; onChanged: (s: Session) => void }) {
  const [busy, setBusy] = useState<Action | undefined>(undefined);
  const [asking, setAsking] = useState<Action | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState('');

  const run = async (action: Action): Promise<void> => {
    setAsking(undefined);
    setBusy(action);
    setError(undefined);
    try {
      if (action === 'delete') {
        await api('DELETE', sessionPath(session.id));
        navigate('#/sessions');
        return;
      }
      onChanged(await api<Session>('POST', sessionPath(session.id, `/${action}`)));
      setDone(`${LABEL[action]}: requested.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };
  const click = (action: Action): void => {
    if (CONFIRM[action]) setAsking(action);
    else void run(action);
  };
  const confirm = asking && CONFIRM[asking];

  return (
    <header class="session-header">
      <p>
        <a href="#/sessions">Sessions</a>
      </p>
      <h1>{session.name ?? session.id}</h1>
      <p class="session-meta">
        <span aria-live="polite">
          Status: <StatusBadge status={session.status} />
        </span>{' '}
        <LiveIndicator />
        <span class="muted">
          {session.id} · desired {session.desired}
          {session.me ? ` · +${session.me.phoneNumber}` : ''}
        </span>
      </p>
      {session.statusReason && (
        <p class="muted">
          {session.statusReason.code}: {session.statusReason.message} {session.statusReason.action}
        </p>
      )}
      <fieldset class="actions">
        <legend class="sr-only">Session actions</legend>
        {(Object.keys(LABEL) as Action[]).map((action) => (
          <Button
            key={action}
            variant={CONFIRM[action] ? 'danger' : action === 'start' ? 'primary' : 'plain'}
            disabled={busy !== undefined}
            onClick={() => click(action)}
          >
            {busy === action ? `${LABEL[action]}…` : LABEL[action]}
          </Button>
        ))}
      </fieldset>
      <p class="sr-only" role="status">
        {done}
      </p>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      {asking && confirm && (
        <ConfirmDialog
          title={confirm.title}
          confirmLabel={LABEL[asking]}
          onConfirm={() => void run(asking)}
          onCancel={() => setAsking(undefined)}
        >
          <p>{confirm.text}</p>
        </ConfirmDialog>
      )}
    </header>
  );
}
