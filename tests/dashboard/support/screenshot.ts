import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Git-ignored: screenshots are for a person to look at, not compared. */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '..', 'screenshots');

/** Saves a full-page PNG as tests/dashboard/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
