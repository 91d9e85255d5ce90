import type { FakeConnection } from './connection.ts';
import type { FakeContext } from './context.ts';
import type { Companion } from './world.ts';

export class UnknownDeviceError extends Error {}

function requireCompanion(ctx: FakeContext, jid: string): Companion {
  const companion = ctx.world.findCompanion(jid);
  if (!companion) throw new UnknownDeviceError(`no linked device ${jid}`);
  return companion;
}

/** The phone unlinked the device: `<stream:error code=401><conflict type=device_removed/>` → 401. */
export function removeDevice(ctx: FakeContext, jid: string): boolean {
  const companion = requireCompanion(ctx, jid);
  companion.removed = true;
  const connection = companion.connection;
  if (!connection?.isOpen) return false;
  connection.sendFatal({
    tag: 'stream:error',
    attrs: { code: '401' },
    content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }],
  });
  return true;
}

/** Newest login wins: the older socket gets `<conflict type=replaced/>` → Baileys reports 440. */
export function replaceConnection(connection: FakeConnection): void {
  connection.sendFatal({
    tag: 'stream:error',
    attrs: {},
    content: [{ tag: 'conflict', attrs: { type: 'replaced' } }],
  });
}

export function activeConnection(ctx: FakeContext, jid: string): FakeConnection {
  const connection = requireCompanion(ctx, jid).connection;
  if (!connection?.isOpen) throw new UnknownDeviceError(`device ${jid} is not connected`);
  return connection;
}

/** Ends the XML stream cleanly (`<xmlstreamend/>`) → 428. */
export function endStream(connection: FakeConnection): void {
  connection.sendFatal({ tag: 'xmlstreamend', attrs: {} });
}

/** `<failure reason=…/>` on a live connection (503 service unavailable by default). */
export function sendFailure(connection: FakeConnection, reason = 503): void {
  connection.sendFatal({ tag: 'failure', attrs: { reason: String(reason) } });
}

/** The next login of `jid` is refused with `<failure reason=…/>` instead of `<success/>`. */
export function failNextLogin(ctx: FakeContext, jid: string, reason: number): void {
  requireCompanion(ctx, jid);
  ctx.loginFailures.set(jid, reason);
}
