/**
 * A page that records what must never happen on the dashboard: console
 * errors, uncaught page errors and CSP violations (reported from the page by
 * an init script listening for `securitypolicyviolation`). `assertClean()`
 * fails the test on any of them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface CheckedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Everything recorded so far, one line each. */
  readonly problems: string[];
  /** Throws listing every problem not matched by `allow` (expected console errors, e.g. a 401 the test provoked). */
  assertClean(allow?: readonly RegExp[]): void;
  close(): Promise<void>;
}

export interface CheckedPageOptions {
  /** CSS pixels; the dashboard must work at 375. */
  readonly width?: number;
  readonly height?: number;
}

const REPORT_BINDING = '__zapfleetReportViolation';

export async function openCheckedPage(
  browser: Browser,
  options: CheckedPageOptions = {},
): Promise<CheckedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
  });
  const problems: string[] = [];
  await context.exposeBinding(REPORT_BINDING, (_source, text: string) => {
    problems.push(`CSP violation: ${text}`);
  });
  // A string, not a function: it runs in the page, where this file's (Node) types do not apply.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => {
      window.${REPORT_BINDING}(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')');
    });`,
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return {
    page,
    context,
    problems,
    assertClean: (allow = []) => {
      const unexpected = problems.filter((p) => !allow.some((re) => re.test(p)));
      if (unexpected.length > 0) throw new Error(`the page reported problems:\n${unexpected.join('\n')}`);
    },
    close: () => context.close(),
  };
}
