import { Button } from '../ui/button.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import type { SessionAction, SessionView } from './session-types.ts';

const ACTIONS: readonly { action: SessionAction; label: string; variant?: 'danger' }[] = [
  { action: 'start', label: 'Start' },
  { action: 'stop', label: 'Stop' },
  { action: 'restart', label: 'Restart' },
  { action: 'logout', label: 'Log out', variant: 'danger' },
  { action: 'delete', label: 'Delete', variant: 'danger' },
];

/** Which actions make sense in a status (the API refuses none of them, but the list stays calm). */
function offered(session: SessionView, action: SessionAction): boolean {
  const running = session.desired === 'RUNNING';
  if (action === 'start') return !running;
  if (action === 'stop' || action === 'restart') return running;
  if (action === 'logout') return session.status !== 'LOGGED_OUT';
  return true;
}

export function SessionRow({
  session,
  busy,
  onAction,
}: {
  readonly session: SessionView;
  readonly busy: boolean;
  readonly onAction: (session: SessionView, action: SessionAction) => void;
}) {
  const label = session.name ?? session.id;
  return (
    <tr>
      <td data-label="Name">
        <a href={`#/sessions/${encodeURIComponent(session.id)}`}>{label}</a>
        {session.name && <div class="muted mono">{session.id}</div>}
      </td>
      <td data-label="Status">
        <StatusBadge status={session.status} />
        {session.statusReason && <div class="muted">{session.statusReason.message}</div>}
      </td>
      <td data-label="Phone">{session.me?.phoneNumber ?? session.phoneNumber ?? '—'}</td>
      <td data-label="Actions">
        <div class="row-actions">
          {ACTIONS.filter((a) => offered(session, a.action)).map((a) => (
            <Button
              key={a.action}
              variant={a.variant ?? 'plain'}
              disabled={busy}
              aria-label={`${a.label} ${label}`}
              onClick={() => onAction(session, a.action)}
            >
              {a.label}
            </Button>
          ))}
        </div>
      </td>
    </tr>
  );
}
