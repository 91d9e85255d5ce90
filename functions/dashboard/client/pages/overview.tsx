import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { isMaster } from '../auth.ts';
import { MinuteChart } from '../overview/minute-chart.tsx';
import { StatusChart } from '../overview/status-chart.tsx';
import type { OverviewView } from '../overview/types.ts';
import type { PageProps } from '../routes.ts';
import { Button } from '../ui/button.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useAuth } from '../use-auth.ts';

const REFRESH_MS = 15_000;

/** Sessions by status and messages in/out per minute over the last hour, refreshed every 15 s. */
export default function OverviewPage({ query: hashQuery }: PageProps) {
  const auth = useAuth();
  const master = isMaster(auth);
  const [tenant, setTenant] = useState(hashQuery.get('tenant') ?? '');
  const [shownTenant, setShownTenant] = useState(tenant);
  const [view, setView] = useState<OverviewView>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    try {
      const tenantId = master && shownTenant.trim() ? shownTenant.trim() : undefined;
      setView(await api<OverviewView>('GET', `/v1/stats/overview${query({ tenantId })}`));
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, [master, shownTenant]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section class="overview">
      <h1>Overview</h1>
      {master && (
        <form
          class="inline-form"
          aria-label="Choose a tenant"
          onSubmit={(e) => {
            e.preventDefault();
            setShownTenant(tenant);
          }}
        >
          <label for="overview-tenant">Tenant (empty: every tenant)</label>
          <input
            id="overview-tenant"
            value={tenant}
            maxLength={64}
            autocomplete="off"
            onInput={(e) => setTenant((e.target as HTMLInputElement).value)}
          />
          <Button type="submit">Show</Button>
        </form>
      )}
      <ErrorBanner error={error} />
      <Button onClick={() => void load()}>Refresh</Button>
      {!view && !error && <p class="loading">Loading…</p>}
      {view && (
        <>
          <p class="muted">
            {view.scope === '*' ? 'Every tenant' : `Tenant ${view.scope}`} · updated every 15 s
          </p>
          <h2>Sessions by status</h2>
          <p>
            <span data-testid="sessions-total">{view.sessions.total}</span> sessions
            {!view.sessions.complete && ' (more than the overview reads: counts are partial)'}
          </p>
          <StatusChart byStatus={view.sessions.byStatus} />
          <h2>Messages per minute, last hour</h2>
          <dl class="totals">
            <div>
              <dt>Messages in</dt>
              <dd data-testid="messages-in">{view.totals.in}</dd>
            </div>
            <div>
              <dt>Messages out</dt>
              <dd data-testid="messages-out">{view.totals.out}</dd>
            </div>
          </dl>
          <MinuteChart minutes={view.minutes} />
          <p class="muted small">
            In: messages contacts sent. Out: queued sends the host reported SENT and messages sent from the
            phone; sync sends are not counted. Counted from the event stream, a second or so behind.
          </p>
        </>
      )}
    </section>
  );
}
