// Journey (issue #6, acceptance line 1): a supervisor builds a callback campaign from a segment of 1 000 customers —
// "SMS, then a call after 3 days for those who have not responded" — with three agents and their weekly quotas, and
// starts it. The SMS step goes out through the real SMS client to a loopback gateway (global-setup), which receives
// every text. Fifty customers respond by calling in (phone_in interactions) and drop out of the call step, which the
// supervisor dispatches now instead of waiting 3 days. An agent works ten calls in the calling workspace (reached,
// refused, no answer, busy, wrong number, unreachable with a reason) and the live progress page shows it all.
// Starting asks first with the server's count ("将发送 1,000 条短信"); the supervisor pauses and resumes; the
// required question blocks a connected call without its answer; after each outcome the next contact comes up.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, newPage, pick, screenshot, screenshotOnFailure, signIn, text } from './browser';

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
    // The segment: 1 000 customers of BJ01, loaded as a branch loads a callback list — a CSV through the import —
    // and made a static segment by their codes.
    const N = 1000;
    const run = String(Date.now() % 10000).padStart(4, '0');
    const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
    const GIVEN = [
      '伟',
      '芳',
      '娜',
      '秀英',
      '敏',
      '静',
      '丽',
      '强',
      '磊',
      '军',
      '洋',
      '勇',
      '艳',
      '杰',
      '娟',
      '涛',
      '明',
      '超',
      '秀兰',
      '霞',
    ];
    const codes: string[] = [];
    let csv = '客户编号,客户姓名,手机号码,营业部\r\n';
    for (let i = 0; i < N; i++) {
      codes.push(`HF${run}${String(i).padStart(4, '0')}`);
      csv += `${codes[i]},${SURNAMES[i % 20]}${GIVEN[(i * 7 + Math.floor(i / 20)) % 20]},137${run}${String(i).padStart(4, '0')},BJ01\r\n`;
    }
    const upload = await sup.request.post('/api/customers/import/uploads', {
      multipart: {
        file: { name: '年度回访名单.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') },
      },
    });
    expect(upload.ok(), await upload.text()).toBe(true);
    const job = (await upload.json()) as { id: number };
    await api(sup, 'POST', `/api/customers/import/jobs/${job.id}/run`, {});
    const imported = await until('the import', async () => {
      const j = await api<{ status: string; created: number; rejected: number }>(
        sup,
        'GET',
        `/api/customers/import/jobs/${job.id}`,
      );
      return j.status === 'done' && j;
    });
    expect(imported).toMatchObject({ created: N, rejected: 0 });
    const list = await api<{ items: { id: number; code: string; name: string }[] }>(
      sup,
      'POST',
      '/api/customers/search',
      { filters: [{ field: 'code', op: 'contains', value: `HF${run}` }], sort: 'code', limit: 50 },
    );
    const customers = list.items;
    expect(customers.length).toBe(50);
    const segName = `回访样本 ${run}`;
    await api(sup, 'POST', '/api/segments', { name: segName, kind: 'static', branchId: 2, codes });

    // Build the campaign in the builder.
    await sup.goto('/outreach/campaigns/new');
    await sup.locator('#campaign-name').fill('2026 年度客户回访');
    await pick(sup, sup.getByTestId('campaign-segment'), segName);
    await sup.getByTestId('campaign-script').fill('您好，我是朝阳营业部客服，打扰您一分钟做个年度回访。');
    await sup.getByTestId('question-text-0').fill('您对我们的服务满意吗？');
    await sup.getByTestId('question-required-0').click();
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

    // Start, confirmed with the count of texts it sends: the SMS step goes out at once; the loopback gateway
    // receives a text per customer.
    expect(await text(sup.getByTestId('campaign-segment'))).toBe(segName);
    await sup.locator('#campaign-start').click();
    await sup.getByTestId('start-confirm').waitFor();
    expect(await text(sup.getByTestId('start-confirm'))).toContain('将发送 1,000 条短信，确认启动？');
    expect(await text(sup.getByTestId('start-confirm'))).toContain('其余 1 个步骤按计划时间执行');
    await screenshot(sup, 'outreach-start-confirm');
    await sup.locator('#campaign-start-ok').click();
    const afterSms = await until('the SMS step', async () => {
      const p = await api<Progress>(sup, 'GET', `/api/campaigns/${id}/progress`);
      return p.steps[0].status === 'dispatched' && (p.steps[0].sent ?? 0) > 0 && p.steps[0].queued === 0 && p;
    });
    expect(afterSms.targets).toBe(N);
    expect(afterSms.steps[0].sent).toBe(N);
    const texts = smsFiles();
    expect(texts.length).toBe(afterSms.steps[0].sent);
    expect(texts[0].content).toContain('】尊敬的');
    expect(
      texts.some(
        (m) => m.content.includes(customers[0].name) || customers.some((c) => m.content.includes(c.name)),
      ),
    ).toBe(true);
    // The gateway reports one text undelivered (a signed delivery report, as global-setup's gateway would send):
    // the progress page lists it with the reason in the reader's language.
    const first = fs.readdirSync(inject('smsDir')).find((f) => f === '1.json')!;
    const { extno } = JSON.parse(fs.readFileSync(path.join(inject('smsDir'), first), 'utf8')) as {
      extno: string;
    };
    const report = { msgid: 'm1', extno, status: 'UNDELIV', timestamp: String(Date.now()) };
    const sign = createHmac('sha256', 'e2e-sms-secret-0123456789')
      .update([report.msgid, report.extno, report.status, report.timestamp].join('\n'))
      .digest('hex');
    expect(await api(sup, 'POST', '/api/sms/reports', { ...report, sign })).toMatchObject({ updated: true });
    await sup.getByTestId('failed-reason').filter({ hasText: '运营商未能送达' }).waitFor({ timeout: 20_000 });

    // Fifty customers call in after the text: they have responded and drop out of the call step.
    const responders = customers;
    for (const c of responders)
      await api(sup, 'POST', `/api/customers/${c.id}/interactions`, {
        channel: 'phone_in',
        direction: 'inbound',
        summary: '收到短信后来电咨询',
      });
    await sup.reload();
    // Paused: the step cannot be dispatched; resumed, it can.
    await sup.locator('#campaign-pause').click();
    await sup.getByTestId('campaign-status').filter({ hasText: '已暂停' }).waitFor();
    expect(await sup.getByTestId('dispatch-2').count()).toBe(0);
    await screenshot(sup, 'outreach-paused');
    await sup.locator('#campaign-resume').click();
    await sup.getByTestId('campaign-status').filter({ hasText: '进行中' }).waitFor();
    await sup.getByTestId('dispatch-2').click();
    const afterCall = await until('the call step', async () => {
      const p = await api<Progress>(sup, 'GET', `/api/campaigns/${id}/progress`);
      return p.steps[1].status === 'dispatched' && p;
    });
    expect(afterCall.responded).toBe(50);
    expect(afterCall.steps[1].recipients).toBe(N - 50);
    expect(afterCall.calls.total).toBe(N - 50);

    // An agent works ten calls in the workspace: reached, refused and wrong number close a call; no answer and busy
    // put it back in the queue; unreachable sends it to the counter list with the reason.
    agent = await newPage(browser);
    await signIn(agent, 'agent');
    await agent.goto(`/outreach/workspace/${id}`);
    const seen: string[] = [];
    const worked = [
      'reached',
      'refused',
      'no_answer',
      'reached',
      'busy',
      'wrong_number',
      'reached',
      'unreachable',
      'reached',
      'reached',
    ] as const;
    let shot = false;
    // The first contact by "下一位"; after each outcome the next one comes up by itself.
    await agent.locator('#workspace-next').click();
    for (const outcome of worked) {
      const who = await text(agent.getByTestId('workspace-customer'));
      seen.push(who);
      if (outcome === 'reached') {
        if (!shot) {
          // The required question blocks a connected call until it is answered.
          await agent.getByTestId('outcome-reached').click();
          await agent.locator('.ant-form-item-explain-error', { hasText: '请回答此问题' }).waitFor();
          await screenshot(agent, 'outreach-workspace-required');
        }
        await agent.getByTestId('answer-q1').getByText('是').click();
        if (!shot) await screenshot(agent, 'outreach-workspace');
        shot = true;
      }
      if (outcome === 'unreachable')
        await agent.getByTestId('workspace-reason').fill('客户出国，回国后临柜办理');
      await agent.getByTestId(`outcome-${outcome}`).click();
      await until('the next contact', async () => {
        const now = await text(agent!.getByTestId('workspace-customer')).catch(() => null);
        return now != null && now !== who;
      });
    }
    expect(new Set(seen).size).toBe(worked.length);
    for (const c of responders) expect(seen.join('\n')).not.toContain(c.code);
    // Every attempt counts against the agent's quota.
    expect(await text(agent.getByTestId('workspace-quota'))).toContain('已完成 10');

    // The progress page shows it (it refreshes itself).
    await sup.bringToFront();
    const p = await api<Progress>(sup, 'GET', `/api/campaigns/${id}/progress`);
    expect(p.outcomes).toMatchObject({
      reached: 5,
      refused: 1,
      no_answer: 1,
      busy: 1,
      wrong_number: 1,
      unreachable: 1,
    });
    expect(p.calls.unreachable).toBe(1);
    expect(p.calls.done).toBe(7);
    expect(p.calls.remaining).toBe(N - 50 - 7 - 1);
    expect(p.agents.map((a) => a.done).sort((x, y) => x - y)).toEqual([0, 0, 10]);
    await sup
      .getByTestId('stat-callsDone')
      .filter({ hasText: /^7$/ })
      .waitFor({ state: 'attached', timeout: 20_000 });
    await sup.getByTestId('agent-done').filter({ hasText: /^10$/ }).waitFor({ timeout: 20_000 });
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
