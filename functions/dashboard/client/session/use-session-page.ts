import { useEffect, useReducer, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { subscribe } from '../live.ts';
import {
  INITIAL_PAGE_STATE,
  type PageAction,
  type SessionPageState,
  sessionPageReducer,
} from './page-state.ts';
import type { Qr, Session, SessionEvent } from './types.ts';

export const sessionPath = (id: string, rest = ''): string => `/v1/sessions/${encodeURIComponent(id)}${rest}`;

export interface SessionPageModel {
  readonly state: SessionPageState;
  readonly dispatch: (action: PageAction) => void;
  /** Why the session could not be loaded (a 404 once it is deleted). */
  readonly loadError: ApiError | undefined;
}

/**
 * Loads the session, then follows it live: status, QR, messages and message
 * statuses all arrive as events of one subscription.
 */
export function useSessionPage(id: string): SessionPageModel {
  const [state, dispatch] = useReducer(sessionPageReducer, INITIAL_PAGE_STATE);
  const [loadError, setLoadError] = useState<ApiError | undefined>(undefined);

  useEffect(() => {
    let active = true;
    setLoadError(undefined);
    api<Session>('GET', sessionPath(id))
      .then(async (session) => {
        if (!active) return;
        dispatch({ type: 'loaded', session });
        if (!session.qrAvailable) return;
        // The subscription's snapshot brings the QR too; this covers a page opened between QRs.
        const qr = await api<Qr>('GET', sessionPath(id, '/qr')).catch(() => undefined);
        if (active && qr) dispatch({ type: 'qr', qr: { seq: qr.seq, expiresAt: qr.expiresAt } });
      })
      .catch((err: unknown) => {
        if (active) setLoadError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
      });
    const unsubscribe = subscribe(id, undefined, (event) => {
      if (active) dispatch({ type: 'event', event: event as SessionEvent });
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [id]);

  return { state, dispatch, loadError };
}
