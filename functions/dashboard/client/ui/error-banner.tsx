import { ApiError } from '../api.ts';

/** What went wrong, from the API's stable code and message (or any other error's message). */
export function ErrorBanner({
  error,
  onDismiss,
}: {
  readonly error: unknown;
  readonly onDismiss?: () => void;
}) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const retry = error instanceof ApiError && error.retryAfter ? ` Try again in ${error.retryAfter} s.` : '';
  return (
    <div class="error-banner" role="alert">
      {code && <strong class="error-code">{code}</strong>} <span>{message + retry}</span>
      {onDismiss && (
        <button type="button" class="btn btn-plain" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      )}
    </div>
  );
}
