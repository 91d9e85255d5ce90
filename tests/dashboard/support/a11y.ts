import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Fails on any axe-core violation of impact serious or critical on the page as it is now. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  // @axe-core/playwright types its page as @playwright/test's; playwright-core's is the same object.
  const results = await new AxeBuilder({ page: page as never }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length === 0) return;
  const lines = serious.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
  throw new Error(`axe found serious accessibility violations on ${page.url()}:\n${lines.join('\n')}`);
}
