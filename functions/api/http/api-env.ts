import type { Principal } from '#commons/auth/principal.ts';

/** Per-request values the middlewares set for route handlers. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    principal: Principal;
  };
}
