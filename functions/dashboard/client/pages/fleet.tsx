import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { isMaster } from '../auth.ts';
import { OwnedSessions } from '../fleet/owned-sessions.tsx';
import { type FleetView, liveness, WAITING } from '../fleet/types.ts';
import { ScrollRegion } from '../overview/scroll-region.tsx';
import type { PageProps } from '../routes.ts';
import { Button } from '../ui/button.tsx';
import { EmptyState } from '../ui/empty-state.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useAuth } from '../use-auth.ts';

const REFRESH_MS = 10_000;

/** Session hosts with load against capacity, liveness and sessions, plus the sessions waiting for a host (MASTER). */
export default function FleetPage(_: PageProps) {
  const auth = useAuth();
  const master = isMaster(auth);
  const [fleet, setFleet] = useState<FleetView>();
  const [error, setError] = useState<unknown>();
  const [shown, setShown] = useState<string>();

  const load = useCallback(async () => {
    try {
      setFleet(await api<FleetView>('GET', '/v1/hosts'));
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    if (!master) return;
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [master, load]);

  if (!master)
    return (
      <section>
        <h1>Fleet</h1>
        <div class="notice" role="note">
          The fleet view needs a MASTER token: session hosts serve every tenant, so an ADMIN token (tenant{' '}
          {auth?.claims.tenant}) may not see them. Sign in with a MASTER token of the operator tenant
          (locally: <code>npm run token -- --role MASTER</code>).
        </div>
      </section>
    );

  return (
    <section class="fleet">
      <h1>Fleet</h1>
      <Button onClick={() => void load()}>Refresh</Button>
      <ErrorBanner error={error} />
      {fleet && fleet.hosts.length === 0 && <EmptyState title="No session host has registered" />}
      {fleet && fleet.hosts.length > 0 && (
        <ScrollRegion label="Session hosts (scrolls sideways)">
          <table class="stacked-table">
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Load / capacity</th>
                <th scope="col">Liveness</th>
                <th scope="col">Sessions</th>
              </tr>
            </thead>
            <tbody>
              {fleet.hosts.map((h) => (
                <tr key={h.hostId}>
                  <td data-label="Host">
                    <span class="mono">{h.hostId}</span>
                    <div class="muted small">heartbeat {new Date(h.heartbeatAt).toLocaleTimeString()}</div>
                  </td>
                  <td data-label="Load / capacity">
                    <span data-testid="host-load">
                      {h.load} / {h.capacity}
                    </span>
                    <meter min={0} max={h.capacity} value={h.load} aria-label={`Load of ${h.hostId}`} />
                  </td>
                  <td data-label="Liveness">{liveness(h)}</td>
                  <td data-label="Sessions">
                    <Button onClick={() => setShown(h.hostId)} aria-label={`Sessions of ${h.hostId}`}>
                      {h.sessions} sessions
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {fleet && (
        <p>
          Waiting for a host: <strong data-testid="waiting-count">{fleet.unassigned}</strong>{' '}
          <Button onClick={() => setShown(WAITING)}>Show waiting sessions</Button>
        </p>
      )}
      {shown && (
        <OwnedSessions
          key={shown}
          hostId={shown}
          title={shown === WAITING ? 'Sessions waiting for a host' : `Sessions on ${shown}`}
        />
      )}
    </section>
  );
}
