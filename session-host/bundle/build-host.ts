/**
 * `npm run build:host`: bundles the session host into dist/session-host.mjs
 * under the current directory. The Dockerfile's build stage runs exactly this.
 */
import { build } from 'esbuild';
import { hostBundleOptions } from './host-bundle.ts';

const result = await build(hostBundleOptions(process.cwd()));
const [output] = Object.entries(result.metafile?.outputs ?? {});
if (output) console.log(`session-host ${(output[1].bytes / 1024).toFixed(1)} KB -> ${output[0]}`);
