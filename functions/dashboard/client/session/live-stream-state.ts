import type { SessionEvent } from './types.ts';

/** Live events kept on screen, newest first; older ones are in the history. */
export const LIVE_EVENTS_SHOWN = 100;
/**
 * Events held while the stream is paused. Past it the oldest held event is
 * dropped and counted, and the count is shown on resume with a pointer to the
 * history, which has every event the log keeps.
 */
export const PAUSED_EVENTS_LIMIT = 500;

export interface LiveStreamState {
  readonly shown: readonly SessionEvent[];
  readonly paused: boolean;
  readonly held: readonly SessionEvent[];
  /** Held events dropped since the last resume, because `held` was full. */
  readonly droppedWhilePaused: number;
  /** Events dropped during the pause that ended last (shown until the next pause). */
  readonly droppedLastPause: number;
}

export const EMPTY_LIVE_STREAM: LiveStreamState = {
  shown: [],
  paused: false,
  held: [],
  droppedWhilePaused: 0,
  droppedLastPause: 0,
};

function prepend(shown: readonly SessionEvent[], newestLast: readonly SessionEvent[]): SessionEvent[] {
  const next = [...newestLast].reverse().concat(shown);
  return next.slice(0, LIVE_EVENTS_SHOWN);
}

export function receiveLiveEvent(state: LiveStreamState, event: SessionEvent): LiveStreamState {
  if (!state.paused) return { ...state, shown: prepend(state.shown, [event]) };
  if (state.held.length < PAUSED_EVENTS_LIMIT) return { ...state, held: [...state.held, event] };
  return {
    ...state,
    held: [...state.held.slice(1), event],
    droppedWhilePaused: state.droppedWhilePaused + 1,
  };
}

export function pauseLiveStream(state: LiveStreamState): LiveStreamState {
  return state.paused ? state : { ...state, paused: true, droppedWhilePaused: 0, droppedLastPause: 0 };
}

export function resumeLiveStream(state: LiveStreamState): LiveStreamState {
  if (!state.paused) return state;
  return {
    shown: prepend(state.shown, state.held),
    paused: false,
    held: [],
    droppedWhilePaused: 0,
    droppedLastPause: state.droppedWhilePaused,
  };
}
