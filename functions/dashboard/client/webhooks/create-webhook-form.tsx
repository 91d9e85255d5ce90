import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Button } from '../ui/button.tsx';
import { parseEvents, type WebhookView } from './types.ts';

export interface CreatedWebhook extends WebhookView {
  readonly secret: string;
}

/** Registers an endpoint; the answer's secret goes to `onCreated`, once. */
export function CreateWebhookForm({
  onCreated,
  onError,
}: {
  readonly onCreated: (created: CreatedWebhook) => void;
  readonly onError: (err: unknown) => void;
}) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('*');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const body = {
        url: url.trim(),
        events: parseEvents(events),
        ...(description.trim() && { description: description.trim() }),
      };
      onCreated(await api<CreatedWebhook>('POST', '/v1/webhooks', body));
      setUrl('');
      setDescription('');
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack-form" onSubmit={submit} aria-label="Add a webhook endpoint">
      <label for="webhook-url">Endpoint URL</label>
      <input
        id="webhook-url"
        type="url"
        required
        maxLength={2048}
        placeholder="https://example.com/zapfleet"
        value={url}
        onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
      />
      <label for="webhook-events">Events (* for all, or types separated by commas)</label>
      <input
        id="webhook-events"
        value={events}
        onInput={(e) => setEvents((e.target as HTMLInputElement).value)}
      />
      <label for="webhook-description">Description (optional)</label>
      <input
        id="webhook-description"
        maxLength={200}
        value={description}
        onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
      />
      <Button type="submit" variant="primary" disabled={busy}>
        Add endpoint
      </Button>
    </form>
  );
}
