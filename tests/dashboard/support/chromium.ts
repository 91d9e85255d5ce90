/**
 * Debian's Chromium, driven through playwright-core (which downloads no
 * browser of its own). ZAPFLEET_CHROMIUM points elsewhere.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ZAPFLEET_CHROMIUM ?? '/usr/bin/chromium';

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
}

/** Throws ChromiumMissingError naming the fix when there is no Chromium to run. */
export function requireChromium(path: string = CHROMIUM_PATH): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(
      `Chromium not found at ${path}: the dashboard tests need it. Install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu), or set ZAPFLEET_CHROMIUM to a Chromium binary.`,
    );
  }
  return path;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = requireChromium();
  // Root (CI containers) cannot use Chromium's sandbox.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath, args });
}
