import { useEffect } from 'preact/hooks';
import { subscribe } from '../live.ts';
import { statusFromEvent } from './filter.ts';
import type { SessionView } from './session-types.ts';

/**
 * Subscribes to the first LIVE_ROWS_LIMIT listed sessions (the gateway allows
 * 100 subscriptions per connection; the rest is left to the session page).
 */
export const LIVE_ROWS_LIMIT = 50;

export function useLiveStatuses(
  ids: readonly string[],
  onStatus: (sessionId: string, status: string, reason?: SessionView['statusReason']) => void,
): void {
  const key = ids.slice(0, LIVE_ROWS_LIMIT).join(',');
  useEffect(() => {
    const stops = key
      .split(',')
      .filter(Boolean)
      .map((id) =>
        subscribe(id, undefined, (event) => {
          const told = statusFromEvent(event.type, event.data);
          if (told) onStatus(id, told.status, told.reason);
        }),
      );
    return () => {
      for (const stop of stops) stop();
    };
  }, [key]);
}
