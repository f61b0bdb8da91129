// Journey (issue #6, acceptance line 1): a supervisor builds a callback campaign from a segment — "SMS, then a
// call after 3 days for those who have not responded" — with three agents and their weekly quotas, and starts it.
// The SMS step goes out through the real SMS client to a loopback gateway (global-setup), which receives every
// text. Two customers respond by calling in (phone_in interactions) and drop out of the call step, which the
// supervisor dispatches now instead of waiting 3 days. An agent works calls in the calling workspace (reached,
// refused, no answer, unreachable with a reason) and the live progress page shows it.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';

type Progress = {
  targets: number;
  responded: number;
  calls: { total: number; done: number; remaining: number; unreachable: number };
  outcomes: Record<string, number>;
  agents: { name: string; done: number; quota: number }[];
  steps: {
    channel: string;
    status: string;
    recipients: number;
    sent: number | null;
    queued: number | null;
    responded: number;
  }[];
};

async function api<T>(page: Page, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const r = await page.request.fetch(url, { method, data: body });
  if (!r.ok()) throw new Error(`${method} ${url} → ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function pick(page: Page, select: ReturnType<Page['locator']>, label: string) {
  await select.click();
  await page.keyboard.type(label);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label })
    .first()
    .click();
}

const smsFiles = () =>
  fs
    .readdirSync(inject('smsDir'))
    .filter((f) => f.endsWith('.json'))
    .map(
      (f) =>
        JSON.parse(fs.readFileSync(path.join(inject('smsDir'), f), 'utf8')) as {
          mobile: string;
          content: string;
        },
    );

describe('outreach: SMS then calls', () => {
  let browser: Browser;
  let sup: Page;
  let agent: Page | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(ctx, agent ?? sup);
  });

  it('builds, dispatches, drops responders and shows the agent’s calls in progress', async () => {
    sup = await newPage(browser);
    await signIn(sup, 'supervisor');
    // The segment: eight customers of BJ01 (a static list, made through the API).
    const list = await api<{ items: { id: number; code: string; name: string }[] }>(
      sup,
      'GET',
      '/api/customers?branchId=2&limit=8',
    );
    const customers = list.items;
    expect(customers.length).toBe(8);
    const segName = `回访样本 ${Date.now() % 100000}`;
    await api(sup, 'POST', '/api/segments', {
      name: segName,
      kind: 'static',
      branchId: 2,
      customerIds: customers.map((c) => c.id),
    });

    // Build the campaign in the builder.
    await sup.goto('/outreach/campaigns/new');
    await sup.locator('#campaign-name').fill('2026 年度客户回访');
    await pick(sup, sup.getByTestId('campaign-segment'), segName);
    await sup.getByTestId('campaign-script').fill('您好，我是朝阳营业部客服，打扰您一分钟做个年度回访。');
    await sup.getByTestId('question-text-0').fill('您对我们的服务满意吗？');
    await sup
      .getByTestId('step-sms-0')
      .fill('尊敬的{name}，我们将于近日对您进行年度回访，如有疑问请致电营业部。');
    expect(await sup.getByTestId('step-delay-1').inputValue()).toBe('3');
    const agents = ['agent (agent)', 'agent2', 'supervisor'];
    for (let i = 0; i < agents.length; i++) {
      await sup.locator('#agent-add').click();
      const row = sup.getByTestId('agent-row').nth(i);
      await pick(sup, row.locator('.ant-select'), agents[i].split(' ')[0]);
      await row.locator('input.ant-input-number-input').fill(String(50 + i * 25));
    }
    await screenshot(sup, 'outreach-builder');
    await sup.locator('#campaign-save').click();
    await sup.waitForURL(/\/outreach\/campaigns\/\d+$/);
    const id = Number(sup.url().split('/').pop());

    // Start: the SMS step goes out at once; the loopback gateway receives a text per customer.
    await sup.locator('#campaign-start').click();
    const afterSms = await until('the SMS step', async () => {
      const p = await api<Progress>(sup, 'GET', `/api/campaigns/${id}/progress`);
      return p.steps[0].status === 'dispatched' && (p.steps[0].sent ?? 0) > 0 && p.steps[0].queued === 0 && p;
    });
    expect(afterSms.targets).toBe(8);
    const texts = smsFiles();
    expect(texts.length).toBe(afterSms.steps[0].sent);
    expect(texts[0].content).toContain('】尊敬的');
    expect(
      texts.some(
        (m) => m.content.includes(customers[0].name) || customers.some((c) => m.content.includes(c.name)),
      ),
    ).toBe(true);

    // Two customers call in: they have responded and drop out of the call step.
    const responders = customers.slice(0, 2);
    for (const c of responders)
      await api(sup, 'POST', `/api/customers/${c.id}/interactions`, {
        channel: 'phone_in',
        direction: 'inbound',
        summary: '收到短信后来电咨询',
      });
    await sup.reload();
    await sup.getByTestId('dispatch-2').click();
    const afterCall = await until('the call step', async () => {
      const p = await api<Progress>(sup, 'GET', `/api/campaigns/${id}/progress`);
      return p.steps[1].status === 'dispatched' && p;
    });
    expect(afterCall.responded).toBe(2);
    expect(afterCall.steps[1].recipients).toBe(6);
    expect(afterCall.calls.total).toBe(6);

    // An agent works four calls in the workspace.
    agent = await newPage(browser);
    await signIn(agent, 'agent');
    await agent.goto(`/outreach/workspace/${id}`);
    const seen: string[] = [];
    for (const outcome of ['reached', 'refused', 'no_answer', 'unreachable'] as const) {
      await agent.locator('#workspace-next').click();
      const who = await text(agent.getByTestId('workspace-customer'));
      seen.push(who);
      if (outcome === 'reached') {
        await agent.getByTestId('answer-satisfied').getByText('是').click();
        await screenshot(agent, 'outreach-workspace');
      }
      if (outcome === 'unreachable')
        await agent.getByTestId('workspace-reason').fill('客户出国，回国后临柜办理');
      await agent.getByTestId(`outcome-${outcome}`).click();
      await agent.locator('#workspace-next').waitFor();
    }
    for (const c of responders) expect(seen.join('\n')).not.toContain(c.code);
    // Every attempt counts against the agent's quota.
    expect(await text(agent.getByTestId('workspace-quota'))).toContain('已完成 4');

    // The progress page shows it (it refreshes itself).
    await sup.bringToFront();
    const p = await api<Progress>(sup, 'GET', `/api/campaigns/${id}/progress`);
    expect(p.outcomes).toMatchObject({ reached: 1, refused: 1, no_answer: 1, unreachable: 1 });
    expect(p.calls.unreachable).toBe(1);
    expect(p.calls.done).toBe(2);
    expect(p.agents.map((a) => a.done).sort()).toEqual([0, 0, 4]);
    await sup
      .getByTestId('stat-callsDone')
      .filter({ hasText: /^2$/ })
      .waitFor({ state: 'attached', timeout: 20_000 });
    await sup.getByTestId('agent-done').filter({ hasText: /^4$/ }).waitFor({ timeout: 20_000 });
    await sup.waitForTimeout(5500);
    await screenshot(sup, 'outreach-progress');
    await sup.goto('/outreach/campaigns');
    await screenshot(sup, 'outreach-campaigns');
  }, 240_000);

  it('suitability: questionnaire → level, and a mismatched product needs the warning acknowledged', async () => {
    const admin = await newPage(browser);
    await signIn(admin, 'admin');
    const product = await api<{ id: number; name: string }>(admin, 'POST', '/api/suitability/products', {
      code: `E2E-R5-${Date.now() % 100000}`,
      name: '雪球结构收益凭证',
      kind: 'product',
      riskLevel: 'R5',
    });
    await admin.close();

    agent = await newPage(browser);
    await signIn(agent, 'agent');
    const q = (
      await api<
        { active: boolean; questions: { key: string; options: { text: string; score: number }[] }[] }[]
      >(agent, 'GET', '/api/suitability/questionnaires')
    ).find((x) => x.active);
    expect(q).toBeTruthy();
    const c = (await api<{ items: { id: number }[] }>(agent, 'GET', '/api/customers?branchId=2&limit=12'))
      .items[10];
    await agent.goto(`/outreach/suitability/${c.id}`);
    // The most cautious answer to every question: a low level.
    for (const question of q!.questions) {
      const low = [...question.options].sort((a, b) => a.score - b.score)[0];
      await agent.getByTestId(`suit-q-${question.key}`).getByText(low.text, { exact: true }).click();
    }
    await agent.locator('#suit-submit').click();
    await agent.getByTestId('suit-current').waitFor();
    expect(await text(agent.getByTestId('suit-current'))).toMatch(/C[1-3]/);

    await agent.locator('#match-open').click();
    await pick(agent, agent.getByTestId('match-product'), product.name);
    await agent.getByTestId('match-warning').waitFor();
    expect(await text(agent.getByTestId('match-warning'))).toContain('不匹配');
    // Proceeding without the acknowledgement is refused by the server.
    await agent.locator('#match-proceed').click();
    await agent.locator('.ant-message', { hasText: '须确认风险提示' }).waitFor();
    await agent.getByTestId('match-ack').click();
    await screenshot(agent, 'outreach-suitability-match');
    await agent.locator('#match-proceed').click();
    await agent.getByTestId('match-warning').waitFor({ state: 'detached' });
    const after = await api<{ offers: { matched: boolean; warningAcknowledged: boolean; choice: string }[] }>(
      agent,
      'GET',
      `/api/suitability/customers/${c.id}`,
    );
    expect(after.offers[0]).toMatchObject({ matched: false, warningAcknowledged: true, choice: 'proceed' });
    await agent.getByTestId('suit-offers').getByText('已确认提示').waitFor();
    await agent.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot(agent, 'outreach-suitability');
  }, 180_000);
});
