// Journey (issue #16): the supervisor sends a margin call (追加保证金通知) by SMS to a customer; the text reaches the
// loopback SMS gateway with the customer's own confirm link, which no staff screen shows. The notice is unconfirmed,
// so the supervisor chases it (催办: sent again, a new link replaces the old). The customer calls back; an agent
// records the confirmation taken by phone, and the list shows it confirmed, by phone, with who recorded it.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';

type Customer = { id: number; code: string; name: string; phone: string | null };

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false) {
  const end = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The texts the loopback gateway received for a title, oldest first, with the token of each link. */
const textsFor = (title: string) =>
  fs
    .readdirSync(inject('smsDir'))
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((f) => JSON.parse(fs.readFileSync(path.join(inject('smsDir'), f), 'utf8')) as { content: string })
    .filter((m) => m.content.includes(title))
    .map((m) => /\/api\/notices\/confirm\/([\w-]+)/.exec(m.content)?.[1] ?? '');

describe('risk notices: a margin call sent, chased and confirmed by phone', () => {
  let browser: Browser;
  let page: Page | undefined;
  let customer: Customer;
  let noticeId = 0;
  const title = `追加保证金通知 ${Date.now() % 100000}`;
  const tokens: string[] = [];

  beforeAll(async () => {
    browser = await launch();
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(ctx, page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the supervisor sends a margin call by SMS, sees it unconfirmed and chases it', async () => {
    page = await newPage(browser);
    await signIn(page, 'supervisor');
    // A customer of the supervisor's branch with a mobile on file (masked as the server sends it).
    const found = await page.evaluate(async () => {
      const r = await fetch('/api/customers/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filters: [{ field: 'phone', op: 'notEmpty' }], limit: 50 }),
      });
      return ((await r.json()) as { items: Customer[] }).items;
    });
    customer = found.find((c) => /^1\d{2}[\d*]{4}\d{4}$/.test(c.phone ?? ''))!;
    expect(customer, 'a customer with a mobile').toBeTruthy();

    await page.goto('/outreach/notices');
    await page.getByTestId('send-notice').click();
    const picker = page.getByTestId('notice-customer-picker').last();
    await picker.click();
    await picker.locator('input').fill(customer.code);
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: customer.code,
      })
      .first()
      .click();
    await page.getByTestId('notice-customers').getByText(customer.code).waitFor();
    // The margin-call template is filled in; SMS is the channel.
    expect(await page.getByTestId('notice-title').inputValue()).toBe('追加保证金通知');
    expect(await page.getByTestId('notice-body').inputValue()).toContain('追加保证金');
    await page.getByTestId('notice-title').fill(title);
    await screenshot(page, 'notices-send');
    await page.getByTestId('send-notice-ok').click();
    await page.getByTestId('notices-table').getByText(title).waitFor();

    noticeId = await page.evaluate(async (t) => {
      const r = await fetch('/api/notices?limit=50');
      return ((await r.json()) as { id: number; title: string }[]).find((n) => n.title === t)!.id;
    }, title);
    const row = page.getByTestId(`notice-${noticeId}`);
    expect(await text(row)).toContain('未确认');
    expect(await text(row)).toContain(customer.name);
    expect(await text(row)).toContain('短信');
    // The text went out with the customer's link.
    tokens.push(...(await until('the SMS', () => textsFor(title).length === 1 && textsFor(title))));
    await until('the SMS recorded as sent', () =>
      page!.evaluate(
        async (id) =>
          ((await (await fetch(`/api/notices/${id}`)).json()) as { smsStatus: string }).smsStatus === 'sent',
        noticeId,
      ),
    );
    // The 未确认 filter shows it, with its text sent.
    await page.getByRole('tab', { name: '未确认', exact: true }).click();
    await row.getByText('已发出').waitFor();
    await screenshot(page, 'notices-list-unconfirmed');

    // 催办: send it again through the same channel.
    await row.getByTestId('resend').click();
    await page.getByTestId('resend-ok').click();
    await row.getByText('已催办 1 次').waitFor();
    const both = await until('the second SMS', () => textsFor(title).length === 2 && textsFor(title));
    expect(both[1]).not.toBe(both[0]);
    tokens.splice(0, tokens.length, ...both);
    for (const tk of tokens) expect(await page.content()).not.toContain(tk);
    await page.context().close();
  });

  it('an agent records the confirmation the customer gave by phone; the list shows who recorded it', async () => {
    page = await newPage(browser);
    await signIn(page, 'agent');
    const me = await page.evaluate(
      async () => (await (await fetch('/api/me')).json()) as { displayName: string },
    );
    await page.goto('/outreach/notices');
    const row = page.getByTestId(`notice-${noticeId}`);
    await row.waitFor();
    await row.getByTestId('confirm-phone').click();
    await page.getByTestId('confirm-phone-note').fill('客户来电，已知悉须在开盘前追加保证金');
    await page.getByTestId('confirm-phone-ok').click();
    await row.getByText(`电话确认，记录人 ${me.displayName}`).waitFor();
    expect(await text(row)).toContain('已确认');
    expect(await row.getByTestId('confirm-phone').count()).toBe(0);
    await screenshot(page, 'notices-list-confirmed');

    // The notice's story: sent, the SMS, the chase, the confirmation by phone and its note.
    await row.getByText(title).click();
    await page.waitForURL(/\/outreach\/notices\/\d+$/);
    const story = page.getByTestId('notice-timeline');
    await story.getByText(`电话确认，记录人 ${me.displayName}`).waitFor();
    const said = await text(story);
    expect(said).toContain('发送（短信）');
    expect(said).toContain('短信已发出至');
    expect(said).toContain('催办，第 1 次再次发送');
    expect(said).toContain('客户来电，已知悉须在开盘前追加保证金');
    for (const tk of tokens) expect(await page.content()).not.toContain(tk);
    await screenshot(page, 'notices-detail');

    // The customer's page has the notice too, on its 风险通知 tab.
    await page.goto(`/customers/${customer.id}`);
    await page.getByRole('tab', { name: '风险通知' }).click();
    const tab = page.getByTestId('customer-notices');
    await tab.getByText(title).waitFor();
    expect(await text(tab.getByTestId(`notice-${noticeId}`))).toContain(`电话确认，记录人 ${me.displayName}`);
    await tab.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'notices-customer-tab');
    await page.context().close();
  });
});
