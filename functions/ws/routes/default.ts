import type { ActionRoute } from '../route-context.ts';

/** `$default`: an action API Gateway did not route (unknown, or a body that is not JSON). */
export const defaultRoute: ActionRoute = (ctx, connectionId) =>
  ctx.fail(connectionId, 'UNKNOWN_ACTION', 'actions: subscribe, unsubscribe, ping');
