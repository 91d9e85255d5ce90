import type { PageProps } from '../routes.ts';
import { EventHistory } from '../session/event-history.tsx';
import { lastContactChat } from '../session/last-contact.ts';
import { LiveEvents } from '../session/live-events.tsx';
import { PairingForm } from '../session/pairing-form.tsx';
import { QrPanel } from '../session/qr-panel.tsx';
import { SendForm } from '../session/send-form.tsx';
import { SentMessages } from '../session/sent-messages.tsx';
import { SessionHeader } from '../session/session-header.tsx';
import { useSessionPage } from '../session/use-session-page.ts';
import { ErrorBanner } from '../ui/error-banner.tsx';

/** `#/sessions/<id>`: one session, live. */
export default function SessionPage({ params }: PageProps) {
  const id = params.id ?? '';
  const { state, dispatch, loadError } = useSessionPage(id);
  const session = state.session;
  if (loadError)
    return (
      <>
        <p>
          <a href="#/sessions">Sessions</a>
        </p>
        <ErrorBanner error={loadError} />
      </>
    );
  if (!session) return <p class="loading">Loading…</p>;
  const linking = session.status !== 'CONNECTED';
  return (
    <div class="session-page">
      <SessionHeader session={session} onChanged={(s) => dispatch({ type: 'acted', session: s })} />
      <div class="session-grid">
        <QrPanel session={session} qr={state.qr} />
        {linking && <PairingForm session={session} />}
        <SendForm
          sessionId={session.id}
          defaultTo={lastContactChat(state.stream.shown) ?? ''}
          onSent={(message) => dispatch({ type: 'sent', message })}
        />
        <SentMessages messages={state.messages} />
      </div>
      <LiveEvents
        stream={state.stream}
        onPause={() => dispatch({ type: 'pause' })}
        onResume={() => dispatch({ type: 'resume' })}
      />
      <EventHistory sessionId={session.id} />
    </div>
  );
}
