/**
 * Runs s3rver in its own Node process. s3rver encrypts ListObjectsV2
 * continuation tokens with DES, which Node >= 17 only allows under
 * --openssl-legacy-provider (s3rver 3.7.1 answers 500 otherwise); keeping it in
 * a child confines that flag to the emulator. It exits when its parent's IPC
 * channel closes, so it never outlives the stack or the test run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

const port = Number.parseInt(process.argv[2] ?? '', 10);
if (!Number.isInteger(port)) throw new Error('usage: s3-server-child <port>');

const directory = await mkdtemp(join(tmpdir(), 'zapfleet-s3-'));
const server = new S3rver({
  port,
  address: '127.0.0.1',
  directory,
  silent: true,
  allowMismatchedSignatures: true,
});
await server.run();

let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await server.close().catch(() => undefined);
  await rm(directory, { recursive: true, force: true });
  process.exit(0);
};
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.send?.({ ready: true, port });
