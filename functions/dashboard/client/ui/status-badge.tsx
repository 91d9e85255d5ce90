const KNOWN = new Set(['STOPPED', 'STARTING', 'QR', 'CONNECTED', 'DISCONNECTED', 'LOGGED_OUT', 'FAILED']);

/** A session status as a coloured label; the text itself carries the meaning (not only the colour). */
export function StatusBadge({ status }: { readonly status: string }) {
  const kind = KNOWN.has(status) ? status.toLowerCase() : 'unknown';
  return <span class={`badge badge-${kind}`}>{status}</span>;
}
