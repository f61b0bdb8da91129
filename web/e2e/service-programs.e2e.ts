// Journey (issue #5, acceptance line 1): an administrator imports the month's figures from the back office (a CSV
// for some demo customers: code, period, assets, volume, revenue, trading days), builds a segment "assets ≥
// 5,000,000 and trading days ≥ 10 a month" and watches its live count change as the rule changes; recomputes
// the value tiers and sees the Pareto curve with the cut-offs; creates a quarterly inspection (季度巡检), bundles it
// into a VIP package bound to the top tier and runs the fulfilment scheduler. The owner of a top-tier customer
// signs in and finds the inspection in "my tasks", and completes it with an outcome.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, pick, screenshot, screenshotOnFailure, signIn, text } from './browser';

type Customer = { id: number; code: string; name: string; ownerId: number | null };

async function api<T>(page: Page, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const r = await page.request.fetch(url, { method, data: body });
  if (!r.ok()) throw new Error(`${method} ${url} → ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

/** The live count once the rule as shown has been counted (debounce over, answer in). */
async function count(page: Page) {
  await page.locator('[data-testid=segment-count][data-busy=false]').waitFor({ state: 'attached' });
  return Number(await page.getByTestId('segment-count').textContent());
}
/** Types a number into a condition's value and leaves the field, as a person does. */
async function setValue(leaf: ReturnType<Page['locator']>, v: string) {
  const input = leaf.locator('input.ant-input-number-input');
  await input.fill(v);
  await input.press('Tab');
}

describe('Service programs journey', () => {
  let browser: Browser;
  let page: Page;
  let topTier = '';
  const month = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
  })
    .format(new Date())
    .slice(0, 7);

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
    await signIn(page, 'admin');
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach((ctx) => screenshotOnFailure(ctx, page));

  it('imports the monthly metrics file and sees the counts', async () => {
    const some = await api<{ items: Customer[] }>(page, 'POST', '/api/segments/preview', {
      rule: { op: 'and', rules: [] },
      limit: 40,
    });
    expect(some.items.length).toBeGreaterThanOrEqual(20);
    // 20 customers: the first 10 large (8,000,000), of which 5 trade 15 days and 5 trade 4; the rest small.
    const lines = ['客户代码,月份,资产,成交额,收入贡献,交易天数'];
    some.items.slice(0, 20).forEach((c, i) => {
      const large = i < 10;
      const days = i % 2 === 0 ? 15 : 4;
      lines.push(
        `${c.code},${month},${large ? 8_000_000 : 300_000},${large ? 90_000_000 : 2_000_000},${large ? 40_000 : 900},${days}`,
      );
    });
    lines.push(`NO_SUCH_CODE,${month},100,100,1,1`);
    await page.goto('/programs/metrics-import');
    await page.locator('input[type=file]').setInputFiles({
      name: 'metrics.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`),
    });
    await page.getByTestId('metrics-result').waitFor();
    expect(await text(page.getByTestId('metrics-upserted'))).toBe('20');
    expect(await text(page.getByTestId('metrics-rejected'))).toBe('1');
    await page.getByTestId('metrics-error-file').waitFor();
  });

  it('builds a segment and sees its live count change as the rule changes', async () => {
    await page.goto('/programs/segments/new');
    await page.getByTestId('segment-name').fill('高净值活跃客户');
    const first = page.getByTestId('rule-leaf').first();
    await pick(page, first.getByTestId('rule-field'), '资产（权益）');
    await setValue(first, '5000000');
    await expect.poll(() => count(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);
    const assetsOnly = await count(page);

    await page.getByTestId('rule-add-condition').first().click();
    const second = page.getByTestId('rule-leaf').nth(1);
    await pick(page, second.getByTestId('rule-field'), '月交易天数');
    await setValue(second, '10');
    // the 5 large customers trading 4 days drop out (the count of the first condition alone may be capped)
    await expect.poll(() => count(page), { timeout: 30_000 }).toBeLessThan(assetsOnly);
    const both = await count(page);
    expect(both).toBeGreaterThanOrEqual(5);
    await expect
      .poll(async () => page.getByTestId('segment-preview').locator('tbody tr.ant-table-row').count())
      .toBeGreaterThan(0);

    // loosening the second condition to 3 days brings them back; tightening it again leaves them out
    await setValue(second, '3');
    await expect.poll(() => count(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(both + 5);
    await setValue(second, '10');
    await expect.poll(() => count(page), { timeout: 30_000 }).toBe(both);

    await page.getByTestId('segment-save').click();
    await page.waitForURL(/\/programs\/segments\/\d+$/);
    await page.mouse.move(0, 0);
    await screenshot(page, 'programs-segment-editor');
  });

  it('recomputes the tiers and sees the Pareto curve with the cut-offs', async () => {
    await page.goto('/programs/tiers');
    await page.getByTestId('tiers-recompute').click();
    await page.locator('.ant-message-success').waitFor();
    await page.getByTestId('pareto-chart').locator('canvas').waitFor();
    const cfg = await api<{ tiers: { code: string; name: string }[] }>(page, 'GET', '/api/tiers');
    topTier = cfg.tiers[0].code;
    await page.getByTestId('tiers-distribution').getByText(topTier).first().waitFor();
    await screenshot(page, 'programs-pareto');
  });

  it('bundles a quarterly inspection into a VIP package bound to the top tier and runs the scheduler', async () => {
    await page.goto('/programs/catalogue');
    await page.getByRole('tab', { name: '服务项目' }).click();
    await page.getByTestId('item-new').click();
    await page.getByTestId('item-code').fill('INSPECT_Q');
    await page.getByTestId('item-name').fill('季度账户巡检');
    await page.locator('#item-save').click();
    await page.getByRole('cell', { name: '季度账户巡检' }).waitFor();

    await page.getByRole('tab', { name: '服务包' }).click();
    await page.getByTestId('package-new').click();
    await page.getByTestId('package-code').fill('VIP_PLUS');
    await page.getByTestId('package-name').fill('VIP 尊享服务包');
    await pick(page, page.getByTestId('package-items'), '季度账户巡检');
    await page.keyboard.press('Escape');
    await pick(page, page.getByTestId('package-tiers'), topTier);
    await page.keyboard.press('Escape');
    await page.locator('#package-save').click();
    const row = page.getByTestId('packages-table').locator('tr', { hasText: 'VIP 尊享服务包' });
    await row.waitFor();
    expect(await text(row)).toContain(topTier);
    expect(await text(row)).toContain('季度账户巡检');
    await page.getByTestId('schedule-run').click();
    const done = page.locator('.ant-message-success', { hasText: '服务任务' });
    await done.waitFor();
    expect(Number(/(\d+)/.exec(await text(done))?.[1])).toBeGreaterThan(0);
    await screenshot(page, 'programs-package-binding');
  });

  it("the owner of a top-tier customer finds the inspection in 'my tasks' and completes it", async () => {
    // a top-tier customer with an owner, and the inspection task the scheduler gave that owner
    const top = await api<{ items: Customer[] }>(page, 'POST', '/api/segments/preview', {
      rule: { op: 'and', rules: [{ field: 'tier', op: 'eq', value: topTier }] },
      limit: 50,
    });
    type Task = { id: number; title: string; assigneeId: number | null; customerName: string };
    let task: Task | undefined;
    for (const c of top.items.filter((x) => x.ownerId != null)) {
      const tasks = await api<{ items: Task[] }>(
        page,
        'GET',
        `/api/tasks?view=all&status=open&customerId=${c.id}&sourceKind=entitlement`,
      );
      task = tasks.items.find((t) => t.title === '季度账户巡检' && t.assigneeId === c.ownerId);
      if (task) break;
    }
    if (!task) throw new Error(`no inspection task for a top-tier (${topTier}) customer with an owner`);
    const owner = await api<{ username: string }>(page, 'GET', `/api/users/${task.assigneeId}`);

    const ownerPage = await newPage(browser);
    try {
      await signIn(ownerPage, owner.username);
      await ownerPage.getByRole('menuitem', { name: '我的任务' }).click();
      await ownerPage.waitForURL(/\/programs\/tasks$/);
      const row = ownerPage
        .getByTestId('tasks-table')
        .locator('tr', { hasText: task.customerName })
        .filter({ hasText: '季度账户巡检' });
      await row.first().waitFor();
      await screenshot(ownerPage, 'programs-my-tasks');
      await row.first().getByTestId('task-complete').click();
      await ownerPage.getByTestId('task-outcome').fill('已上门巡检，账户与风险测评均正常');
      await ownerPage.locator('#task-complete-ok').click();
      await ownerPage.getByRole('tab', { name: /已完成/ }).click();
      await ownerPage
        .getByTestId('tasks-table')
        .getByText('已上门巡检，账户与风险测评均正常')
        .first()
        .waitFor();
    } finally {
      await ownerPage.context().close();
    }
  });
});
