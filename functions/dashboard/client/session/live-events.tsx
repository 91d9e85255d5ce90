import { Button } from '../ui/button.tsx';
import { EventList } from './event-list.tsx';
import { LIVE_EVENTS_SHOWN, type LiveStreamState, PAUSED_EVENTS_LIMIT } from './live-stream-state.ts';

/** The live stream, newest first; pausing holds new events (up to a bound) until resumed. */
export function LiveEvents({
  stream,
  onPause,
  onResume,
}: {
  stream: LiveStreamState;
  onPause: () => void;
  onResume: () => void;
}) {
  return (
    <section class="card" aria-labelledby="live-heading">
      <div class="row spread">
        <h2 id="live-heading">Live events</h2>
        {stream.paused ? (
          <Button onClick={onResume}>Resume ({stream.held.length} waiting)</Button>
        ) : (
          <Button onClick={onPause}>Pause</Button>
        )}
      </div>
      <p class="muted" role="status">
        {stream.paused
          ? `Paused: holding up to ${PAUSED_EVENTS_LIMIT} new events${
              stream.droppedWhilePaused > 0 ? `; ${stream.droppedWhilePaused} older ones dropped` : ''
            }.`
          : stream.droppedLastPause > 0
            ? `${stream.droppedLastPause} events arrived beyond the pause limit and are not shown; find them in the history.`
            : `Newest first, the last ${LIVE_EVENTS_SHOWN}.`}
      </p>
      {stream.shown.length === 0 ? (
        <p class="muted">No events yet.</p>
      ) : (
        <EventList events={stream.shown} label="Live events" />
      )}
    </section>
  );
}
