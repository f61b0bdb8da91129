import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { demoKnowledgeBase } from '../kb/demo.ts';
import { demoServiceDesk } from './demo.ts';
import { makeCustomer } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('demo data', () => {
  it('loads the knowledge base, SLA policies on the 2026 calendar, and tickets on demo customers (once)', async () => {
    for (let i = 0; i < 3; i++) await makeCustomer(t);
    await demoKnowledgeBase(t.db);
    await demoServiceDesk(t.db);
    await demoKnowledgeBase(t.db);
    await demoServiceDesk(t.db);
    const agent = await t.login('agent');
    const kb = await t.call(agent, 'GET', `/api/kb/articles?q=${encodeURIComponent('保证金')}`);
    expect(kb.body.items.map((a: any) => a.title)).toEqual(
      expect.arrayContaining(['保证金如何计算', '追加保证金通知话术']),
    );
    const tickets = (await t.call(agent, 'GET', '/api/tickets?limit=50')).body.items;
    expect(tickets).toHaveLength(4);
    expect(tickets.every((x: any) => x.customerId != null)).toBe(true);
    const complaint = tickets.find((x: any) => x.type === 'complaint');
    expect(complaint.complaint).toMatchObject({ source: 'regulator_hotline', accepted: true });
    expect(complaint.sla.find((s: any) => s.target === 'acceptance').state).toBe('met');
    const settlement = await t.login('settlement');
    expect((await t.call(settlement, 'GET', '/api/tickets')).body.items.map((x: any) => x.subject)).toEqual([
      '结算单手续费与预期不符',
    ]);
    expect((await t.call(agent, 'GET', '/api/sla-policies')).body).toHaveLength(5);
  });
});
