import { ENV } from '#commons/config/env-names.ts';
import { composeWebSocket } from '../../functions/ws/compose.ts';
import { WEBSOCKET_ROUTES } from '../../functions/ws/routes.ts';
import { type LocalWebSocketGateway, startWebSocketGateway } from './ws-gateway/gateway.ts';

/**
 * The WebSocket API of the local stack: the gateway emulator running the same
 * composition as the WebSocket Lambda, whose management endpoint it serves.
 */
export async function startLocalWebSocketApi(
  port: number,
  env: Record<string, string>,
  log: (msg: string) => void,
): Promise<LocalWebSocketGateway> {
  let handler: ReturnType<typeof composeWebSocket> | undefined;
  const gateway = await startWebSocketGateway({
    port,
    routes: WEBSOCKET_ROUTES,
    handler: async (event) => {
      if (!handler) return { statusCode: 503 };
      return handler(event);
    },
    log: (msg, data) =>
      log(`${msg}${data?.err ? `: ${String((data.err as Error).message ?? data.err)}` : ''}`),
  });
  handler = composeWebSocket({
    ...process.env,
    ...env,
    [ENV.wsManagementEndpoint]: gateway.managementEndpoint,
  });
  return gateway;
}
