import { describe, expect, it } from 'vitest';
import { ChromiumMissingError, requireChromium } from './support/chromium.ts';

describe('the browser tests without Chromium', () => {
  it('fail with a message naming the fix', () => {
    expect(() => requireChromium('/nonexistent/chromium')).toThrow(ChromiumMissingError);
    expect(() => requireChromium('/nonexistent/chromium')).toThrow(
      /Chromium not found at \/nonexistent\/chromium.*apt-get install -y chromium/,
    );
  });

  it('accept an executable that is there', () => {
    expect(requireChromium(process.execPath)).toBe(process.execPath);
  });
});
