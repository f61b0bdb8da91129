// Journey (issues 9 and 16): an agent sees every phone masked (no customer.pii) — and still calls. In the calling
// workspace, on a ticket they own and on the callback board, 拨打 shows the full number of THIS call, large, with a
// tel: link and a copy button; the rest of the page stays masked, and each reveal is in the audit log with its
// purpose. The data is set up through the API (a customer, a running campaign, a ticket, a regulatory callback).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';

async function api<T>(page: Page, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const r = await page.request.fetch(url, { method, data: body });
  if (!r.ok()) throw new Error(`${method} ${url} → ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

const PHONE = '13912345678';
const MASKED = '139****5678';
const TICKET_PHONE = '18600001234';

describe('calling: 拨打 shows the one number of the call', () => {
  let browser: Browser;
  let sup: Page;
  let agent: Page | undefined;
  let customerId = 0;
  let campaignId = 0;
  const name = `拨打测试${Date.now() % 100000}`;

  beforeAll(async () => {
    browser = await launch();
    // The administrator adds a new-account callback rule; the supervisor opens an active customer with a mobile
    // (so the rule gives it a callback) and a campaign with one call step for the agent, and starts it.
    const admin = await newPage(browser);
    await signIn(admin, 'admin');
    const rule = await api<{ id: number }>(admin, 'POST', '/api/callbacks/rules', {
      name: `开户回访 ${name}`,
      kind: 'new_account',
      deadlineAmount: 3,
      deadlineUnit: 'working_days',
    });
    await admin.context().close();
    sup = await newPage(browser);
    await signIn(sup, 'supervisor');
    const c = await api<{ id: number; code: string }>(sup, 'POST', '/api/customers', {
      code: `DIAL${Date.now() % 1000000}`,
      kind: 'individual',
      name,
      status: 'active',
      phone: PHONE,
    });
    customerId = c.id;
    await api(sup, 'POST', `/api/callbacks/rules/${rule.id}/generate`);
    const agentId = (
      await api<{ id: number; username: string }[]>(sup, 'GET', '/api/users/options?q=agent&limit=20')
    ).find((u) => u.username === 'agent')?.id;
    expect(agentId).toBeTruthy();
    const campaign = await api<{ id: number }>(sup, 'POST', '/api/campaigns', {
      name: `回访 ${name}`,
      target: { kind: 'list', customerCodes: [c.code] },
      questions: [],
      agents: [{ userId: agentId, quota: 10 }],
      steps: [{ channel: 'call', delayDays: 0 }],
    });
    campaignId = campaign.id;
    await api(sup, 'POST', `/api/campaigns/${campaignId}/start`);
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(ctx, agent);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('in the calling workspace the agent sees the phone masked, clicks 拨打 and gets the full number', async () => {
    agent = await newPage(browser);
    await signIn(agent, 'agent');
    await agent.goto(`/outreach/workspace/${campaignId}`);
    await agent.locator('#workspace-next').click();
    await agent.getByTestId('workspace-customer').waitFor();
    expect(await text(agent.getByTestId('workspace-customer'))).toContain(name);
    expect(await text(agent.getByTestId('workspace-phone'))).toBe(MASKED);
    await agent.getByTestId('call-button').first().click();
    const dialog = agent.getByTestId('call-dialog');
    await dialog.waitFor();
    expect(await text(agent.getByTestId('call-number'))).toBe(PHONE);
    expect(await agent.getByTestId('call-number').getAttribute('href')).toBe(`tel:${PHONE}`);
    expect(await agent.getByTestId('call-dial').getAttribute('href')).toBe(`tel:${PHONE}`);
    expect(await text(dialog)).toContain('拨号');
    // (Ant Design spaces out a two-character label: 复 制)
    expect((await text(agent.getByTestId('call-copy'))).replace(/\s/g, '')).toBe('复制');
    // Only the dialog holds the number: the page behind it is still masked.
    expect(await text(agent.getByTestId('workspace-phone'))).toBe(MASKED);
    await agent.mouse.move(700, 800); // off the number, so the shot shows it unhovered
    await screenshot(agent, 'calling-workspace');
    await agent.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await agent.getByText(PHONE).count()).toBe(0);
  });

  it('on a ticket they own, 拨打 by the contact phone gives the number given for the ticket', async () => {
    const page = agent as Page;
    const tk = await api<{ id: number }>(page, 'POST', '/api/tickets', {
      type: 'consultation',
      channel: 'phone_in',
      subject: `请回电 ${name}`,
      customerId,
      contactPhone: TICKET_PHONE,
    });
    await page.goto(`/tickets/${tk.id}`);
    await page.getByTestId('ticket-contact-phone').waitFor();
    expect(await text(page.getByTestId('ticket-contact-phone'))).toBe('186****1234');
    await page.getByTestId('call-button').click();
    await page.getByTestId('call-dialog').waitFor();
    expect(await text(page.getByTestId('call-number'))).toBe(TICKET_PHONE);
    await page.mouse.move(700, 800); // off the number, so the shot shows it unhovered
    await screenshot(page, 'calling-ticket');
    await page.keyboard.press('Escape');
  });

  it('on the callback board, 拨打 on the customer’s open callback gives their number', async () => {
    const page = agent as Page;
    await page.goto('/outreach/callbacks');
    const row = page.locator('tr', { hasText: name });
    await row.waitFor();
    await row.getByTestId('call-button').click();
    await page.getByTestId('call-dialog').waitFor();
    expect(await text(page.getByTestId('call-number'))).toBe(PHONE);
    await page.mouse.move(700, 800); // off the number, so the shot shows it unhovered
    await screenshot(page, 'calling-callbacks');
    await page.keyboard.press('Escape');
  });

  it('each reveal is in the audit log with its purpose', async () => {
    const admin = await newPage(browser);
    await signIn(admin, 'admin');
    const rows = await api<{ items: { actorName: string; meta: { purpose?: string } | null }[] }>(
      admin,
      'GET',
      '/api/audit?action=customer.pii_revealed&limit=50',
    );
    await admin.context().close();
    const purposes = rows.items.filter((r) => r.actorName === 'agent').map((r) => r.meta?.purpose);
    expect(purposes).toEqual(expect.arrayContaining(['campaign', 'ticket', 'callback']));
  });
});
