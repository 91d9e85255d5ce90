import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { isMaster } from '../auth.ts';
import type { PageProps } from '../routes.ts';
import { CreateSessionForm } from '../sessions-list/create-session-form.tsx';
import { applyStatus, filterSessions } from '../sessions-list/filter.ts';
import { SessionRow } from '../sessions-list/session-row.tsx';
import {
  DESTRUCTIVE,
  SESSION_STATUSES,
  type SessionAction,
  type SessionPage,
  type SessionView,
} from '../sessions-list/session-types.ts';
import { TenantPicker } from '../sessions-list/tenant-picker.tsx';
import { LIVE_ROWS_LIMIT, useLiveStatuses } from '../sessions-list/use-live-statuses.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { EmptyState } from '../ui/empty-state.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useAuth } from '../use-auth.ts';

const PAGE_SIZE = 50;

const CONFIRM: Record<string, { title: string; text: string; label: string }> = {
  logout: {
    title: 'Log out this session?',
    text: 'The device is unlinked from the phone and its keys are wiped. Starting it again needs a new QR scan.',
    label: 'Log out',
  },
  delete: {
    title: 'Delete this session?',
    text: 'The session, its keys, its media and its event history are removed for good.',
    label: 'Delete',
  },
};

/** The tenant's sessions with live status, filter, search and the lifecycle actions. */
export default function SessionsListPage({ query: hashQuery }: PageProps) {
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>();
  const [search, setSearch] = useState(hashQuery.get('q') ?? '');
  const [status, setStatus] = useState(hashQuery.get('status') ?? '');
  const [busy, setBusy] = useState<string | undefined>();
  const [confirm, setConfirm] = useState<{ session: SessionView; action: SessionAction }>();
  const [announce, setAnnounce] = useState('');
  const auth = useAuth();
  const master = isMaster(auth);
  // Only a MASTER may name another tenant; an ADMIN's list is its own tenant's.
  const [tenant, setTenant] = useState(master ? (hashQuery.get('tenant') ?? auth?.claims.tenant) : undefined);

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api<SessionPage>(
          'GET',
          `/v1/sessions${query({ limit: PAGE_SIZE, status: status || undefined, cursor: after })}`,
        );
        setSessions((prev) => (after ? [...prev, ...page.sessions] : [...page.sessions]));
        setCursor(page.nextCursor);
        setLoaded(true);
      } catch (err) {
        setError(err);
      }
    },
    [status],
  );

  useEffect(() => {
    void load();
  }, [load]);

  useLiveStatuses(
    sessions.map((s) => s.id),
    (id, next, reason) => setSessions((prev) => applyStatus(prev, id, next, reason)),
  );

  const run = async (session: SessionView, action: SessionAction): Promise<void> => {
    setConfirm(undefined);
    setBusy(session.id);
    setError(undefined);
    const label = session.name ?? session.id;
    try {
      const path = `/v1/sessions/${encodeURIComponent(session.id)}`;
      if (action === 'delete') {
        await api('DELETE', path);
        setSessions((prev) => prev.filter((s) => s.id !== session.id));
        setAnnounce(`Deleted ${label}.`);
      } else {
        const updated = await api<SessionView | undefined>('POST', `${path}/${action}`);
        if (updated?.id) setSessions((prev) => prev.map((s) => (s.id === updated.id ? updated : s)));
        else await load();
        setAnnounce(`${action} sent to ${label}.`);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  const onAction = (session: SessionView, action: SessionAction): void => {
    if (DESTRUCTIVE.has(action)) setConfirm({ session, action });
    else void run(session, action);
  };

  const shown = filterSessions(sessions, search, status || undefined);
  const confirmText = confirm && CONFIRM[confirm.action];
  return (
    <section>
      <h1>Sessions</h1>
      {master && tenant !== undefined && (
        <TenantPicker
          tenant={tenant}
          onChange={(next) => {
            setSessions([]);
            setLoaded(false);
            setTenant(next);
          }}
        />
      )}
      <CreateSessionForm
        tenant={tenant}
        onCreated={(s) => {
          setSessions((prev) => [...prev, s]);
          setAnnounce(`Created ${s.name ?? s.id}.`);
        }}
        onError={setError}
      />
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      <p class="sr-only" role="status">
        {announce}
      </p>
      <div class="filters">
        <label>
          Search by name
          <input
            type="search"
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">All</option>
            {SESSION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!loaded && !error && <p class="loading">Loading…</p>}
      {loaded && shown.length === 0 && (
        <EmptyState title={sessions.length === 0 ? 'No sessions yet' : 'No session matches'}>
          {sessions.length === 0 && <p>Create one above, then start it to see its QR.</p>}
        </EmptyState>
      )}
      {shown.length > 0 && (
        <table class="sessions">
          <caption class="sr-only">Sessions</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Phone</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <SessionRow key={s.id} session={s} busy={busy === s.id} onAction={onAction} />
            ))}
          </tbody>
        </table>
      )}
      {sessions.length > LIVE_ROWS_LIMIT && (
        <p class="muted">
          Live status covers the first {LIVE_ROWS_LIMIT} sessions; open a session for its own.
        </p>
      )}
      {cursor && <Button onClick={() => void load(cursor)}>Load more</Button>}
      {confirm && confirmText && (
        <ConfirmDialog
          title={confirmText.title}
          confirmLabel={confirmText.label}
          onConfirm={() => void run(confirm.session, confirm.action)}
          onCancel={() => setConfirm(undefined)}
        >
          <p>
            <strong>{confirm.session.name ?? confirm.session.id}</strong>: {confirmText.text}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
