/**
 * Bundled with the host's own esbuild options by
 * transfer-scavenger-bundle.e2e.test.ts and run with plain `node`, as the
 * image runs the host: the scavenger must find V8's gc there too.
 */
import { TransferScavenger } from '../../session-host/src/media/transfer-scavenger.ts';

const scavenger = new TransferScavenger(5);
const end = scavenger.begin();
setTimeout(() => {
  end();
  process.stdout.write(`${JSON.stringify({ collections: scavenger.count })}\n`);
}, 300);
