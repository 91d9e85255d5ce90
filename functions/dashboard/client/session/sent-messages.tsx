import type { TrackedMessage } from './message-statuses.ts';

/** Messages sent from this page (and statuses of others the session sent), updated live. */
export function SentMessages({ messages }: { messages: readonly TrackedMessage[] }) {
  if (messages.length === 0) return null;
  return (
    <section class="card" aria-labelledby="sent-heading">
      <h2 id="sent-heading">Sent messages</h2>
      <table class="sent-table">
        <thead>
          <tr>
            <th scope="col">To</th>
            <th scope="col">Message</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.id}>
              <td>{m.to}</td>
              <td>{m.summary || m.id}</td>
              <td data-status={m.status}>
                {m.status}
                {m.error ? ` (${m.error.code})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
