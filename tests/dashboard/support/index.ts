export { expectNoSeriousA11yViolations } from './a11y.ts';
export { type CheckedPage, type CheckedPageOptions, openCheckedPage } from './checked-page.ts';
export { CHROMIUM_PATH, ChromiumMissingError, launchChromium, requireChromium } from './chromium.ts';
export { type DashboardDemo, startDashboardDemo } from './dashboard-demo.ts';
export { SCREENSHOT_DIR, screenshot } from './screenshot.ts';
