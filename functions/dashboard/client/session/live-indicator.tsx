import { useEffect, useState } from 'preact/hooks';
import { type LiveState, liveState, onLiveState } from '../live.ts';

const TEXT: Record<LiveState, string> = {
  open: 'Live',
  connecting: 'Connecting to live events…',
  closed: 'Live events disconnected; reconnecting',
};

/** Whether the page is receiving live events; without them status, QR and messages do not update. */
export function LiveIndicator() {
  const [state, setState] = useState<LiveState>(liveState);
  useEffect(() => onLiveState(setState), []);
  return <span class={`live-indicator live-${state}`}>{TEXT[state]}</span>;
}
