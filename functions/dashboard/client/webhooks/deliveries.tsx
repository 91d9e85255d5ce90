import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { ScrollRegion } from '../overview/scroll-region.tsx';
import { Button } from '../ui/button.tsx';
import { EmptyState } from '../ui/empty-state.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { attemptOutcome, type DeliveryView, type WebhookView } from './types.ts';

const STATUSES = ['', 'delivered', 'retrying', 'dead', 'replayed'] as const;

/** One endpoint's delivery log: each delivery's last answer (status code or error), dead letters replayable. */
export function Deliveries({ webhook }: { readonly webhook: WebhookView }) {
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<DeliveryView[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const base = `/v1/webhooks/${encodeURIComponent(webhook.id)}`;

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api<{ deliveries: DeliveryView[]; next?: string }>(
          'GET',
          `${base}/deliveries${query({ status: status || undefined, limit: 50, after })}`,
        );
        setRows((prev) => (after ? [...(prev ?? []), ...page.deliveries] : page.deliveries));
        setNext(page.next);
        setError(undefined);
      } catch (err) {
        setError(err);
      }
    },
    [base, status],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const replayDead = async (): Promise<void> => {
    try {
      const result = await api<{ sessions: Record<string, number> }>('POST', `${base}/replay`, {});
      const n = Object.keys(result.sessions).length;
      setNote(n === 0 ? 'No dead letters to replay.' : `Replaying dead letters of ${n} session(s).`);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section class="deliveries" aria-label={`Deliveries to ${webhook.url}`}>
      <h2>Deliveries to {webhook.url}</h2>
      <div class="filters">
        <label>
          Delivery status
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
        <Button onClick={() => void load()}>Refresh deliveries</Button>
        <Button variant="danger" onClick={() => void replayDead()}>
          Replay dead letters
        </Button>
      </div>
      <p role="status">{note}</p>
      <ErrorBanner error={error} />
      {rows && rows.length === 0 && <EmptyState title="No deliveries yet" />}
      {rows && rows.length > 0 && (
        <ScrollRegion label="Delivery log (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Session · seq</th>
                <th scope="col">Status</th>
                <th scope="col">Last answer</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={`${d.sessionId}#${d.seq}`}>
                  <td>{d.type}</td>
                  <td class="mono">
                    {d.sessionId} · {d.seq}
                  </td>
                  <td>
                    <span class={`badge delivery-${d.status}`}>{d.status}</span>
                  </td>
                  <td>{attemptOutcome(d.attempts[d.attempts.length - 1])}</td>
                  <td>{d.attempts.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {next && <Button onClick={() => void load(next)}>More deliveries</Button>}
    </section>
  );
}
