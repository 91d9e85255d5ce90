import { summarizeEvent } from './event-summary.ts';
import type { SessionEvent } from './types.ts';

const time = (at: string): string => {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : date.toLocaleTimeString();
};

/** Events as rows of text; contact-controlled strings stay text nodes (no markup is ever parsed). */
export function EventList({ events, label }: { events: readonly SessionEvent[]; label: string }) {
  return (
    <ol class="event-list" aria-label={label}>
      {events.map((event) => (
        <li key={event.seq} class={`event event-${event.type.replace(':', '-')}`}>
          <span class="event-seq">#{event.seq}</span> <time dateTime={event.at}>{time(event.at)}</time>{' '}
          <span class="event-type">{event.type}</span> <span class="event-text">{summarizeEvent(event)}</span>
        </li>
      ))}
    </ol>
  );
}
