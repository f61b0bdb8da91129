// Journey (issue #4, acceptance 1; issue 16, acceptance 5): an agent takes a complaint by phone from an existing
// customer — it cannot be resolved before the acceptance decision (受理) and a root cause —, links the FAQ article,
// and passes the work to the settlement department (结算部) with a reason; the department's user, offered note and
// hand-back only, answers in an internal note and hands the work back (回转) with its answer; the agent — still the
// first-contact owner — sees both in the bell and the answer on the ticket, replies to the customer, resolves and
// closes.
// The customer receives the emails (from a real SMTP peer), opens the rating link from the close email and rates
// 4 of 5 on the public page; the supervisor sees the rating and the ticket's whole transfer history.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';
import { waitForMail } from './mail';

/** Picks an option of an Ant Design Select by its visible text, optionally typing to search first. */
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
    await page.waitForTimeout(200);
    await item.click();
    await page.waitForTimeout(200);
    if ((await text(select)).includes(option)) return;
  }
  throw new Error(`could not pick "${option}" in ${testId}`);
}

type Customer = { id: number; code: string; name: string };

describe('Service desk journey', () => {
  let browser: Browser;
  let page: Page | undefined;
  let ticketUrl = '';
  let ticketNumber = '';
  let customer: Customer;
  const reason = '客户对保证金计算有异议，需结算部核对当日结算价';
  const subject = '投诉：保证金计算与结算单不一致';
  const answer = '已核对：交易所自今日起将保证金比例由 10% 提高至 12%，结算单无误，请向客户解释。';

  beforeAll(async () => {
    browser = await launch();
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(ctx, page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the agent takes a complaint by phone, links the FAQ and transfers the work to 结算部', async () => {
    page = await newPage(browser);
    await signIn(page, 'agent');
    // an existing customer of the agent's branch whose email is on file
    customer = await page.evaluate(async () => {
      const r = await fetch('/api/customers/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filters: [{ field: 'email', op: 'notEmpty' }], limit: 1 }),
      });
      const body = (await r.json()) as { items: { id: number; code: string; name: string }[] };
      return body.items[0];
    });
    expect(customer?.code).toBeTruthy();

    await page.goto('/tickets');
    await page.getByTestId('queue-tabs').waitFor();
    await page.getByTestId('new-ticket').click();
    await pick(page, 'ticket-customer', customer.code, customer.code);
    await pick(page, 'ticket-type', '投诉');
    expect(await text(page.getByTestId('ticket-channel').last())).toContain('电话呼入');
    await pick(page, 'complaint-source', '公司渠道');
    await page.getByTestId('ticket-subject').fill(subject);
    await page
      .getByTestId('ticket-description')
      .fill('客户来电称昨日结算单上的占用保证金比自己计算的多出约 1,200 元，要求解释并更正。');
    await page.getByTestId('ticket-create').click();
    await page.waitForURL(/\/tickets\/\d+$/);
    ticketUrl = new URL(page.url()).pathname;
    ticketNumber = (await text(page.getByTestId('ticket-number'))).trim();
    expect(ticketNumber).toMatch(/\S+/);
    // first-contact owner is the agent; SLA clocks are running, incl. the complaint acceptance deadline
    expect(await text(page.getByTestId('ticket-owner'))).toContain('李客服');
    await page.getByTestId('sla-first_response').waitFor();
    await page.getByTestId('sla-acceptance').waitFor();
    expect(await text(page.getByTestId('complaint-card'))).toContain('公司渠道');

    // not resolvable before the acceptance decision and a root cause: the server says so, the status stays
    await page.getByTestId('complaint-resolve-needs').waitFor();
    await page.getByTestId('status-resolve').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByText('投诉须先作出受理决定并填写根因，才能解决').first().waitFor();
    expect(await text(page.getByTestId('ticket-status'))).not.toContain('已解决');

    // the complaint is accepted; saving says the decision becomes read-only (the acceptance clock stops)
    await pick(page, 'complaint-accepted', '受理');
    await page.getByTestId('complaint-save').click();
    await page.getByText('受理决定（受理）保存后不能更改').waitFor();
    await screenshot(page, 'service-desk-complaint-confirm');
    await page.getByTestId('complaint-save-confirm').click();
    await page.getByTestId('sla-acceptance').getByText('已达成').waitFor();
    await page.getByTestId('complaint-decided').waitFor();

    // link the FAQ article on margin calculation
    await pick(page, 'kb-link-search', '保证金如何计算', '保证金');
    await page.getByTestId('kb-link').click();
    await page.getByTestId('linked-article').filter({ hasText: '保证金如何计算' }).waitFor();

    // transfer the work to the settlement department with a reason
    await page.getByTestId('transfer-open').click();
    await pick(page, 'transfer-target', '结算部');
    await page.getByTestId('transfer-reason').fill(reason);
    await page.getByTestId('transfer-submit').click();
    await page.getByTestId('hop').first().waitFor();
    expect(await text(page.getByTestId('hop-history'))).toContain('结算部');
    expect(await text(page.getByTestId('ticket-assignee'))).toContain('结算部');
    // the owner stays
    expect(await text(page.getByTestId('ticket-owner'))).toContain('李客服');
    await screenshot(page, 'service-desk-ticket');

    await page.goto('/tickets');
    await page.getByTestId('tickets-table').getByText(ticketNumber).waitFor();
    await screenshot(page, 'service-desk-queue');
    await page.context().close();
  });

  it('the settlement department, offered note and hand-back only, answers in a note and hands the work back', async () => {
    page = await newPage(browser);
    await signIn(page, 'settlement');
    await page.goto(ticketUrl);
    await page.getByTestId('ticket-header').waitFor();
    // 内转外不转: the owner speaks to the customer; the department sees no reply, resolve or close
    await page.getByTestId('department-view').waitFor();
    expect(await text(page.getByTestId('department-view'))).toContain('李客服');
    expect(await text(page.getByTestId('composer-mode'))).not.toContain('回复客户');
    expect(await page.getByTestId('status-resolve').count()).toBe(0);
    expect(await page.getByTestId('status-close').count()).toBe(0);
    await page
      .getByTestId('composer-body')
      .fill('正在核对：昨日该合约结算价上调，交易所自今日起将保证金比例由 10% 提高至 12%。');
    await page.getByTestId('composer-send').click();
    await page.getByTestId('message-internal').first().waitFor();
    // people by name and team, never as an id
    expect(await text(page.getByTestId('message-author').first())).toContain('孙结算 · 结算部');

    await page.getByTestId('hand-back-open').click();
    await page.getByTestId('hand-back-answer').fill(answer);
    await screenshot(page, 'service-desk-hand-back');
    await page.getByTestId('hand-back-submit').click();
    await page.getByTestId('hop-hand-back').waitFor();
    expect(await text(page.getByTestId('hop-hand-back'))).toContain('结算单无误');
    expect(await text(page.getByTestId('ticket-assignee'))).toContain('李客服');
    expect(await page.getByTestId('hand-back-open').count()).toBe(0);
    const history = await text(page.getByTestId('hop-history'));
    expect(history).not.toMatch(/#\d/);
    await page.context().close();
  });

  it('the owner sees the note and the hand-back in the bell, and the answer on the ticket', async () => {
    page = await newPage(browser);
    await signIn(page, 'agent');
    await page.goto('/');
    await page.getByTestId('notification-bell').click();
    const back = page.getByTestId('notification-handed_back').filter({ hasText: ticketNumber }).first();
    await back.waitFor();
    expect(await text(back)).toContain('孙结算（结算部）已回转');
    const note = page.getByTestId('notification-note').filter({ hasText: ticketNumber }).first();
    expect(await text(note)).toContain('孙结算（结算部）添加了内部备注');
    expect(await text(page.getByTestId('notifications'))).toContain('结算单无误');
    await screenshot(page, 'service-desk-owner-notified');
    await back.click();
    await page.waitForURL(new RegExp(`${ticketUrl}$`));
    await page.getByTestId('hop-hand-back').waitFor();
    expect(await text(page.getByTestId('hop-hand-back'))).toContain(answer);
    expect(await page.getByTestId('department-view').count()).toBe(0);
    await page.getByTestId('hop-history').scrollIntoViewIfNeeded();
    await screenshot(page, 'service-desk-owner-answer');
    await page.context().close();
  });

  it('the agent, still the owner, replies to the customer, resolves and closes; the customer gets the emails', async () => {
    page = await newPage(browser);
    await signIn(page, 'agent');
    await page.goto(ticketUrl);
    await page.getByTestId('message-internal').first().waitFor();
    await page
      .getByTestId('composer-body')
      .fill(
        '您好，经结算部核对，差额来自交易所上调保证金比例（10% → 12%），详见我们的常见问题“保证金如何计算”。',
      );
    await page.getByTestId('composer-send').click();
    await page.getByTestId('message-public').first().waitFor();
    await screenshot(page, 'service-desk-thread');

    // the complaint's resolution and root cause, for the root-cause report
    await page.getByTestId('complaint-root-cause').click();
    await page.locator('.ant-select-dropdown:visible').getByText('告知不充分', { exact: true }).click();
    await page.getByTestId('complaint-root-cause-text').fill('保证金比例上调的通知未及时触达客户');
    await page.getByTestId('complaint-save').click();
    await page.getByTestId('complaint-save-confirm').click();
    await page.getByTestId('complaint-root-cause').getByText('告知不充分').waitFor();
    await page.getByTestId('complaint-resolve-needs').waitFor({ state: 'detached' });

    await page.getByTestId('status-resolve').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('status-close').waitFor();
    expect(await text(page.getByTestId('ticket-status'))).toContain('已解决');
    await page.getByTestId('status-close').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('ticket-status').filter({ hasText: '已关闭' }).waitFor();

    const reply = await waitForMail((m) => m.subject.includes(ticketNumber) && m.text.includes('10% → 12%'));
    expect(reply.to).toContain('@');
    await waitForMail((m) => m.subject.includes(ticketNumber) && m.subject.includes('已处理'));
    await page.context().close();
  });

  it('the customer rates 4 of 5 through the link in the email, once', async () => {
    const mail = await waitForMail((m) => m.subject.includes(ticketNumber) && /\/rate\//.test(m.text));
    const link = /https?:\/\/\S+\/rate\/\S+/.exec(mail.text)?.[0] ?? '';
    expect(link).toContain('/rate/');
    page = await newPage(browser); // no session: the customer is not a user
    await page.goto(link);
    await page.getByTestId('rate-form').waitFor();
    expect(await text(page.getByTestId('rate-form'))).toContain(ticketNumber);
    await page.getByTestId('rate-stars').locator('li').nth(3).locator('div').first().click();
    await page.getByTestId('rate-comment').fill('解释清楚，处理及时。');
    await screenshot(page, 'service-desk-rating');
    await page.getByTestId('rate-submit').click();
    await page.getByTestId('rate-thanks').waitFor();
    // the link works once
    await page.goto(link);
    await page.getByTestId('rate-gone').waitFor();
    await page.context().close();
  });

  it('the supervisor sees the rating and the whole transfer history', async () => {
    page = await newPage(browser);
    await signIn(page, 'supervisor');
    await page.goto(ticketUrl);
    await page.getByTestId('ticket-rating').waitFor();
    expect(await text(page.getByTestId('ticket-rating-score'))).toContain('4');
    expect(await text(page.getByTestId('ticket-rating'))).toContain('解释清楚');
    const hops = await text(page.getByTestId('hop-history'));
    expect(hops).toContain('结算部');
    expect(hops).toContain(reason);
    expect(await text(page.getByTestId('ticket-owner'))).toContain('李客服');
    await page.getByTestId('hop-history').scrollIntoViewIfNeeded();
    await screenshot(page, 'service-desk-supervisor');
    await page.goto('/tickets/root-causes');
    await page.getByTestId('root-cause-chart').waitFor();
    await page.getByText('告知不充分').first().waitFor();
    await screenshot(page, 'service-desk-root-causes');
    await page.goto('/tickets/sla-board');
    await page.getByTestId('sla-board').waitFor();
    await page.getByTestId('board-breached').waitFor();
    await screenshot(page, 'service-desk-sla-board');
    // the customer's page lists the ticket under 工单, beside their entitlements and suitability
    await page.goto(`/customers/${customer.id}`);
    await page.getByTestId('tab-tickets').click();
    const mine = page.getByTestId('customer-tickets');
    await mine.getByText(ticketNumber).waitFor();
    expect(await text(mine)).toContain(subject);
    await page.getByTestId('customer-service').scrollIntoViewIfNeeded();
    await screenshot(page, 'service-desk-customer-tickets');
    await page.context().close();
  });
});
