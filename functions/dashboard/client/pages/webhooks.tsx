import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ScrollRegion } from '../overview/scroll-region.tsx';
import type { PageProps } from '../routes.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { EmptyState } from '../ui/empty-state.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { CreateWebhookForm } from '../webhooks/create-webhook-form.tsx';
import { Deliveries } from '../webhooks/deliveries.tsx';
import { SecretPanel } from '../webhooks/secret-panel.tsx';
import { type AttemptView, attemptOutcome, type ShownSecret, type WebhookView } from '../webhooks/types.ts';

/** The tenant's webhook endpoints: add (secret shown once), rotate, test, delete, and each one's deliveries. */
export default function WebhooksPage(_: PageProps) {
  const [webhooks, setWebhooks] = useState<WebhookView[]>();
  const [error, setError] = useState<unknown>();
  const [secret, setSecret] = useState<ShownSecret>();
  const [selected, setSelected] = useState<string>();
  const [announce, setAnnounce] = useState('');
  const [deleting, setDeleting] = useState<WebhookView>();

  const load = useCallback(async () => {
    try {
      setWebhooks((await api<{ webhooks: WebhookView[] }>('GET', '/v1/webhooks')).webhooks);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const path = (w: WebhookView) => `/v1/webhooks/${encodeURIComponent(w.id)}`;
  const act = async (run: () => Promise<void>): Promise<void> => {
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(err);
    }
  };
  const rotate = (w: WebhookView) =>
    act(async () => {
      const r = await api<{ secret: string; previousSecretExpiresAt: string }>(
        'POST',
        `${path(w)}/rotate-secret`,
      );
      const until = new Date(r.previousSecretExpiresAt).toLocaleString();
      setSecret({
        webhookId: w.id,
        secret: r.secret,
        note: `New secret for ${w.url}; the old one also signs until ${until}.`,
      });
    });
  const test = (w: WebhookView) =>
    act(async () => {
      const r = await api<{ delivered: boolean; attempt: AttemptView }>('POST', `${path(w)}/test`);
      setAnnounce(
        `Test to ${w.url}: ${r.delivered ? 'delivered' : 'failed'} (${attemptOutcome(r.attempt)}).`,
      );
    });
  const toggle = (w: WebhookView) =>
    act(async () => {
      await api('PATCH', path(w), { enabled: !w.enabled });
      setAnnounce(`${w.url} ${w.enabled ? 'disabled' : 'enabled'}.`);
      await load();
    });
  const remove = (w: WebhookView) =>
    act(async () => {
      setDeleting(undefined);
      await api('DELETE', path(w));
      if (selected === w.id) setSelected(undefined);
      setAnnounce(`Removed ${w.url}.`);
      await load();
    });

  const chosen = webhooks?.find((w) => w.id === selected);
  return (
    <section class="webhooks">
      <h1>Webhooks</h1>
      <CreateWebhookForm
        onCreated={(created) => {
          setSecret({
            webhookId: created.id,
            secret: created.secret,
            note: `Signing secret of ${created.url}.`,
          });
          setAnnounce(`Added ${created.url}.`);
          void load();
        }}
        onError={setError}
      />
      {secret && <SecretPanel shown={secret} onDone={() => setSecret(undefined)} />}
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      <p role="status" class="announce">
        {announce}
      </p>
      {webhooks && webhooks.length === 0 && <EmptyState title="No webhook endpoints yet" />}
      {webhooks && webhooks.length > 0 && (
        <ScrollRegion label="Webhook endpoints (scrolls sideways)">
          <table class="stacked-table">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((w) => (
                <tr key={w.id}>
                  <td data-label="Endpoint">
                    <span class="mono">{w.url}</span>
                    {w.description && <div class="muted">{w.description}</div>}
                  </td>
                  <td data-label="Events">{w.events.join(', ')}</td>
                  <td data-label="State">
                    {w.enabled ? 'enabled' : `disabled${w.disabledReason ? ` (${w.disabledReason})` : ''}`}
                  </td>
                  <td data-label="Actions" class="actions">
                    <Button onClick={() => setSelected(w.id)} aria-label={`Deliveries of ${w.url}`}>
                      Deliveries
                    </Button>
                    <Button onClick={() => void test(w)} aria-label={`Send a test to ${w.url}`}>
                      Send test
                    </Button>
                    <Button onClick={() => void rotate(w)} aria-label={`Rotate the secret of ${w.url}`}>
                      Rotate secret
                    </Button>
                    <Button
                      onClick={() => void toggle(w)}
                      aria-label={`${w.enabled ? 'Disable' : 'Enable'} ${w.url}`}
                    >
                      {w.enabled ? 'Disable' : 'Enable'}
                    </Button>
                    <Button variant="danger" onClick={() => setDeleting(w)} aria-label={`Remove ${w.url}`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {chosen && <Deliveries key={chosen.id} webhook={chosen} />}
      {deleting && (
        <ConfirmDialog
          title="Remove this webhook endpoint?"
          confirmLabel="Remove"
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          <p>
            Deliveries to <span class="mono">{deleting.url}</span> stop, and its delivery log goes with it.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
