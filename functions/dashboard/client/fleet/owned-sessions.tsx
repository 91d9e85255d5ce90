import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { ScrollRegion } from '../overview/scroll-region.tsx';
import { Button } from '../ui/button.tsx';
import { EmptyState } from '../ui/empty-state.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import type { OwnedSessionView } from './types.ts';

/** The sessions a host owns (or that wait for one), every tenant's, in pages. */
export function OwnedSessions({ hostId, title }: { readonly hostId: string; readonly title: string }) {
  const [rows, setRows] = useState<OwnedSessionView[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<unknown>();
  const load = async (after?: string): Promise<void> => {
    try {
      const page = await api<{ sessions: OwnedSessionView[]; next?: string }>(
        'GET',
        `/v1/hosts/${encodeURIComponent(hostId)}/sessions${query({ limit: 50, after })}`,
      );
      setRows((prev) => (after ? [...(prev ?? []), ...page.sessions] : page.sessions));
      setNext(page.next);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    void load();
  }, [hostId]);
  return (
    <section class="owned" aria-label={title}>
      <h2>{title}</h2>
      <ErrorBanner error={error} />
      {rows && rows.length === 0 && <EmptyState title="No sessions" />}
      {rows && rows.length > 0 && (
        <ScrollRegion label="Sessions (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Tenant</th>
                <th scope="col">Status</th>
                <th scope="col">Desired</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.sessionId}>
                  <td>
                    {s.name ?? ''} <span class="mono muted">{s.sessionId}</span>
                  </td>
                  <td>{s.tenantId}</td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td>{s.desired}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {next && <Button onClick={() => void load(next)}>More sessions</Button>}
    </section>
  );
}
