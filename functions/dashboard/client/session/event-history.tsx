import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { Button } from '../ui/button.tsx';
import { describeError } from './error-text.ts';
import { EventList } from './event-list.tsx';
import { HISTORY_PAGE_SIZE, newerPageAfter, newestPageAfter, olderPageAfter } from './history-paging.ts';
import type { EventPage, SessionEvent } from './types.ts';
import { sessionPath } from './use-session-page.ts';

interface Shown {
  readonly after: number;
  readonly events: readonly SessionEvent[];
  readonly lastSeq: number;
}

async function readPage(sessionId: string, after: number, limit = HISTORY_PAGE_SIZE): Promise<Shown> {
  const page = await api<EventPage>('GET', sessionPath(sessionId, `/events?after=${after}&limit=${limit}`));
  return { after, events: page.events, lastSeq: page.lastSeq };
}

/** The session's event log through the replay API, one page at a time, newest page first. */
export function EventHistory({ sessionId }: { sessionId: string }) {
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const load = async (after: (() => Promise<number>) | number): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const start = typeof after === 'number' ? after : await after();
      setShown(await readPage(sessionId, start));
    } catch (err) {
      setError(err instanceof ApiError ? describeError(err) : 'The history could not be read.');
    } finally {
      setBusy(false);
    }
  };
  // The newest page: one read for the log's end, then the page that ends there.
  const newest = (): Promise<void> =>
    load(async () => newestPageAfter((await readPage(sessionId, 0, 1)).lastSeq));

  useEffect(() => {
    void newest();
  }, [sessionId]);

  const older = shown ? olderPageAfter(shown.after) : undefined;
  const lastShown = shown?.events.at(-1)?.seq;
  const newer = shown ? newerPageAfter({ lastShownSeq: lastShown, lastSeq: shown.lastSeq }) : undefined;
  const first = shown?.events[0]?.seq;

  return (
    <section class="card" aria-labelledby="history-heading">
      <div class="row spread">
        <h2 id="history-heading">Event history</h2>
        <Button onClick={() => void newest()} disabled={busy}>
          Load newest
        </Button>
      </div>
      <p class="muted" role="status">
        {shown
          ? shown.lastSeq === 0
            ? 'No events yet when last loaded.'
            : shown.events.length === 0
              ? 'No events in this range (the log keeps events for a limited time).'
              : `Events #${first} to #${lastShown} of ${shown.lastSeq}, newest first.`
          : busy
            ? 'Loading…'
            : ''}
      </p>
      {shown && shown.events.length > 0 && (
        <EventList events={[...shown.events].reverse()} label="Event history" />
      )}
      <nav class="row" aria-label="History pages">
        <Button
          disabled={busy || older === undefined}
          onClick={() => older !== undefined && void load(older)}
        >
          Older
        </Button>
        <Button
          disabled={busy || newer === undefined}
          onClick={() => newer !== undefined && void load(newer)}
        >
          Newer
        </Button>
      </nav>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
