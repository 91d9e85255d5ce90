/**
 * API Gateway's route selection on `$request.body.action`: a known action
 * picks its route; anything else, including a body that is not JSON, falls
 * back to `$default`.
 */
export function selectRoute(body: string, routes: ReadonlySet<string>): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'action' in parsed) {
      const action = (parsed as { action: unknown }).action;
      if (typeof action === 'string' && routes.has(action)) return action;
    }
  } catch {
    // Not JSON: API Gateway falls back to $default as well.
  }
  return '$default';
}
