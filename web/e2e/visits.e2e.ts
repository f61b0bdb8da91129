// Journey (issue #16, visit plans 走访): an account manager plans a visit for a customer in the evening window that
// suits them, sees it on today's column of the week and in the month, checks in at the customer's (the browser
// gives a fixed position), completes it with findings and a follow-up task; a supervisor sees the counts per
// manager and follows a count to the visits behind it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';

const LAT = 39.9219;
const LNG = 116.4436;
const todayInShanghai = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

/** Picks an option of an Ant Design Select by its visible text, typing to search first. */
async function pick(page: Page, testId: string, option: string, type?: string) {
  const select = page.getByTestId(testId).last();
  for (let attempt = 0; attempt < 3; attempt++) {
    await select.click();
    if (type) await select.locator('input').fill(type);
    const item = page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: option,
      })
      .first();
    await item.waitFor();
    await page.waitForTimeout(150);
    await item.click();
    await page.waitForTimeout(150);
    if ((await text(select)).includes(option)) return;
  }
  throw new Error(`could not pick "${option}" in ${testId}`);
}

describe('Visit plans journey', () => {
  let browser: Browser;
  let page: Page | undefined;
  const purpose = '年度走访，了解客户对期权交易的需求';
  const findings = '客户有意开通期权交易，希望先参加一次期权知识培训';
  const followUp = '安排期权交易培训';
  let visitId = 0;
  let customer: { id: number; code: string; name: string };

  beforeAll(async () => {
    browser = await launch();
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(ctx, page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an account manager plans a visit and sees it in the week and the month', async () => {
    page = await newPage(browser);
    // at the customer's: the browser may tell where the manager is
    await page.context().grantPermissions(['geolocation']);
    await page.context().setGeolocation({ latitude: LAT, longitude: LNG, accuracy: 20 });
    await signIn(page, 'manager');
    customer = await page.evaluate(async () => {
      const r = await fetch('/api/customers/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ limit: 1 }),
      });
      return ((await r.json()) as { items: { id: number; code: string; name: string }[] }).items[0];
    });
    expect(customer?.code).toBeTruthy();
    // yesterday's visit not made: overdue (逾期), flagged red
    const overdue = await page.evaluate(async (day) => {
      const c = await fetch('/api/customers/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ limit: 2 }),
      });
      const other = ((await c.json()) as { items: { id: number }[] }).items[1];
      const r = await fetch('/api/visits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: other.id, purpose: '节前回访', plannedDate: day }),
      });
      return (await r.json()) as { overdue: boolean };
    }, yesterday);
    expect(overdue.overdue).toBe(true);

    await page.goto('/visits');
    await page.getByTestId('visits-overdue').waitFor();
    const today = todayInShanghai();
    const column = page.locator(`[data-testid="visits-day"][data-day="${today}"]`);
    await column.waitFor();
    await column.getByTestId('visits-day-plan').click();
    await pick(page, 'visit-customer', customer.code, customer.code);
    await page.getByTestId('visit-purpose').fill(purpose);
    // the customer receives visits only in the evening
    const window = page.locator('.ant-modal .ant-picker-range');
    await window.locator('input').first().click();
    await window.locator('input').first().fill('19:00');
    await page.keyboard.press('Enter');
    await window.locator('input').nth(1).fill('21:00');
    await page.keyboard.press('Enter');
    expect(await window.locator('input').nth(1).inputValue()).toBe('21:00');
    await page.getByTestId('visit-plan-ok').click();

    const card = column.getByTestId('visit-card').filter({ hasText: customer.name });
    await card.waitFor();
    expect(await text(card)).toContain('19:00–21:00');
    expect(await card.getAttribute('data-status')).toBe('planned');
    visitId = Number(await card.getAttribute('data-visit-id'));
    expect(visitId).toBeGreaterThan(0);
    await screenshot(page, 'visits-week');

    await page.getByTestId('visits-mode').getByText('月').click();
    const chip = page.locator(`[data-testid="visit-chip"][data-visit-id="${visitId}"]`);
    await chip.waitFor();
    expect(await text(chip)).toContain(customer.name);
    await screenshot(page, 'visits-month');
  });

  it('checks in with the browser’s location and completes with findings and a follow-up task', async () => {
    if (!page) throw new Error('no page');
    await page.locator(`[data-testid="visit-chip"][data-visit-id="${visitId}"]`).click();
    const drawer = page.getByTestId('visit-drawer');
    await drawer.getByTestId('visit-check-in').click();
    await drawer.getByTestId('visit-location').waitFor();
    expect(await text(drawer.getByTestId('visit-location'))).toContain(
      `${LAT.toFixed(5)}, ${LNG.toFixed(5)}`,
    );
    expect(await text(drawer.getByTestId('visit-status'))).toContain('已签到');
    await screenshot(page, 'visits-checked-in');

    await drawer.getByTestId('visit-complete').click();
    await page.getByTestId('visit-findings').fill(findings);
    await page.getByTestId('visit-add-followup').click();
    await page.getByTestId('visit-followup-title').fill(followUp);
    await screenshot(page, 'visits-complete');
    await page.getByTestId('visit-complete-ok').click();
    await drawer.getByTestId('visit-findings-text').waitFor();
    expect(await text(drawer.getByTestId('visit-status'))).toContain('已完成');
    expect(await text(drawer.getByTestId('visit-findings-text'))).toContain(findings);

    // the follow-up is the manager's task about this customer, from this visit
    const tasks = await page.evaluate(async (id) => {
      const r = await fetch(`/api/tasks?view=all&sourceKind=visit&sourceId=${id}`);
      return ((await r.json()) as { items: { title: string; customerId: number | null }[] }).items;
    }, visitId);
    expect(tasks).toEqual([expect.objectContaining({ title: followUp, customerId: customer.id })]);
    // and the month shows the visit done
    await page.keyboard.press('Escape');
    await page
      .locator(`[data-testid="visit-chip"][data-visit-id="${visitId}"][data-status="done"]`)
      .waitFor();
  });

  it('shows the visit on the customer’s page; checks in without a location when the browser refuses; cancels with a reason', async () => {
    if (!page) throw new Error('no page');
    await page.goto(`/customers/${customer.id}`);
    await page.getByTestId('tab-visits').click();
    const tab = page.getByTestId('customer-visits');
    await tab.locator('tr', { hasText: purpose }).waitFor();
    expect(await text(tab)).toContain('已完成');

    // the browser is no longer allowed to tell the location
    await page.context().clearPermissions();
    await page.goto('/visits/list?view=overdue');
    await page.getByTestId('visits-table').locator('tr', { hasText: '节前回访' }).click();
    const drawer = page.getByTestId('visit-drawer');
    await drawer.getByTestId('visit-check-in').click();
    const ask = page.locator('.ant-modal-confirm');
    await ask.waitFor();
    expect(await text(ask)).toContain('浏览器未获准使用位置信息');
    await page.getByTestId('visit-checkin-without').click();
    await drawer.getByTestId('visit-checked-in-at').waitFor();
    expect(await text(drawer.getByTestId('visit-checked-in-at'))).toContain('未记录位置');
    await screenshot(page, 'visits-no-location');
    // the customer is away: cancelled, with the reason
    await drawer.getByTestId('visit-cancel').click();
    await page.getByTestId('visit-cancel-reason').fill('客户出差，改期再约');
    await page.getByTestId('visit-cancel-ok').click();
    await drawer.getByTestId('visit-status').filter({ hasText: '已取消' }).waitFor();
  });

  it('a supervisor sees the counts per manager and the visits behind a count', async () => {
    await page?.context().close();
    page = await newPage(browser);
    await signIn(page, 'supervisor');
    await page.goto('/visits/stats');
    await page.getByTestId('visits-stats').locator('tbody a').first().waitFor();
    const managerId = await page.evaluate(async () => {
      const r = await fetch('/api/users/options?q=manager&limit=10');
      const users = (await r.json()) as { id: number; username: string }[];
      return users.find((u) => u.username === 'manager')?.id ?? 0;
    });
    const done = page.getByTestId(`visits-stat-${managerId}-statusdone`);
    expect(Number(await text(done))).toBeGreaterThanOrEqual(1);
    expect(Number(await text(page.getByTestId(`visits-stat-${managerId}-total`)))).toBeGreaterThanOrEqual(1);
    await page.getByTestId('visits-stats-chart').locator('canvas').waitFor();
    await screenshot(page, 'visits-stats');

    // the counts are of this month (the default range): yesterday's cancelled visit is in it unless today is the 1st
    if (yesterday.slice(0, 7) === todayInShanghai().slice(0, 7))
      expect(
        Number(await text(page.getByTestId(`visits-stat-${managerId}-statuscancelled`))),
      ).toBeGreaterThanOrEqual(1);
    await done.click();
    await page.waitForURL(/\/visits\/list\?/);
    const list = page.getByTestId('visits-table');
    await list.locator('tr', { hasText: customer.name }).waitFor();
    expect(await text(list)).toContain(purpose);
    await screenshot(page, 'visits-records');
  });
});
