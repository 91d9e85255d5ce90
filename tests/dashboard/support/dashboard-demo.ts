/** `npm run demo` as a child process for one test file, with its own state folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoProcess, startDemoProcess } from '../../e2e/demo-process.ts';

export interface DashboardDemo {
  readonly demo: DemoProcess;
  /** Stops the demo (and every process below it) and removes its state folder. */
  stop(): Promise<void>;
}

export async function startDashboardDemo(
  name: string,
  env: Record<string, string> = {},
): Promise<DashboardDemo> {
  const stateDir = mkdtempSync(join(tmpdir(), `zapfleet-dash-${name}-`));
  try {
    const demo = await startDemoProcess(stateDir, env);
    return {
      demo,
      stop: async () => {
        await demo.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}
