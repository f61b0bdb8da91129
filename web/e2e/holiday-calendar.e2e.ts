// Journey (issue 16): the administrator is told on the home page that next year's holiday arrangement is missing
// (the server's clock is past 1 November; the demo calendar has 2026 only), opens the calendar: 2026 tells working
// from trading days — the make-up Saturday 02-14 is worked but not traded — and 2027 shows its statutory holidays
// with the provisional note. The SLA policy page says how each target counts (acceptance in trading days).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';

describe('holiday calendar: trading days, statutory holidays, the missing-arrangement warning', () => {
  let browser: Browser;
  let page: Page | undefined;

  beforeAll(async () => {
    browser = await launch();
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(ctx, page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('warns the administrator and shows working vs trading days, 2026 and 2027', async () => {
    page = await newPage(browser);
    await signIn(page, 'admin');
    const year = new Date().getFullYear();
    const month = new Date().getMonth() + 1;
    const banner = page.getByTestId('arrangement-warnings');
    if (month >= 11) {
      await banner.waitFor();
      expect(await text(banner)).toContain(`${year + 1} 年节假日安排尚未录入`);
      await screenshot(page, 'calendar-home-warning');
      await banner.getByRole('button').first().click();
    } else {
      await page.goto('/admin/calendars');
    }
    await page.getByTestId('year-arrangement').waitFor();
    if (year === 2026) {
      expect(await text(page.getByTestId('year-arrangement'))).toContain('2026 年安排已录入');
      // 2026: 248 working days, 242 trading days; Sat 02-14 (春节调休上班) worked, not traded.
      expect(await text(page.getByTestId('trading-count'))).toContain('242');
      const sat = page.locator('[data-day="2026-02-14"]');
      expect(await sat.getAttribute('data-working')).toBe('true');
      expect(await sat.getAttribute('data-trading')).toBe('false');
      expect(await page.locator('[data-day="2026-02-13"]').getAttribute('data-trading')).toBe('true');
    }
    await screenshot(page, 'calendar-2026-trading');
    // Next year without an arrangement: the statutory holidays, and the deadlines are provisional.
    const yearInput = page.locator('.ant-card-head .ant-input-number input');
    await yearInput.fill(String(year + 1));
    await yearInput.press('Enter');
    await page.getByText(`${year + 1} 年安排尚未录入`).waitFor();
    if (year === 2026) {
      const cny = page.locator('[data-day="2027-02-06"]');
      await cny.waitFor();
      expect(await cny.getAttribute('data-working')).toBe('false');
      expect(await cny.getAttribute('title')).toContain('春节');
    }
    await screenshot(page, 'calendar-2027-statutory');

    await page.goto('/admin/sla-policies');
    const acceptance = page.locator('[data-testid^="acceptance-"]').first();
    await acceptance.waitFor();
    expect(await text(acceptance)).toContain('交易日');
    expect(await page.locator('[data-unit="working_hours"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'calendar-sla-policy-units');
  });
});
