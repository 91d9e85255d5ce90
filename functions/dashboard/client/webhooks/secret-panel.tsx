import { useState } from 'preact/hooks';
import { Button } from '../ui/button.tsx';
import type { ShownSecret } from './types.ts';

/** The signing secret, shown once: copy it now, it is never shown again. */
export function SecretPanel({ shown, onDone }: { readonly shown: ShownSecret; readonly onDone: () => void }) {
  const [copied, setCopied] = useState<string>();
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(shown.secret);
      setCopied('Copied.');
    } catch {
      setCopied('Copy failed: select the secret and copy it by hand.');
    }
  };
  return (
    <section class="secret-panel" aria-label="Signing secret">
      <p>
        <strong>{shown.note}</strong> It is shown only now; zapfleet never shows it again.
      </p>
      <code class="secret" data-testid="webhook-secret">
        {shown.secret}
      </code>
      <div class="row">
        <Button variant="primary" onClick={() => void copy()}>
          Copy secret
        </Button>
        <Button onClick={onDone}>I stored it</Button>
        <span role="status">{copied}</span>
      </div>
    </section>
  );
}
