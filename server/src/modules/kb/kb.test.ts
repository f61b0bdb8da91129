import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { queryGrams, renderTemplate, searchGrams } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('search terms', () => {
  it('makes unigrams and bigrams, and queries by bigram (or the single character)', () => {
    expect(searchGrams('保证金 计算')).toEqual(expect.arrayContaining(['保', '保证', '证金', '金', '计算']));
    expect(queryGrams('证金')).toEqual(['证金']);
    expect(queryGrams('金')).toEqual(['金']);
    expect(queryGrams('Margin ratio')).toContain('ma');
  });
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(
      renderTemplate('{{customer.name}}您好，工单{{ ticket.number }}由{{agent.name}}处理。{{x.y}}', {
        'customer.name': '王先生',
        'ticket.number': 'T1',
        'agent.name': '李客服',
      }),
    ).toBe('王先生您好，工单T1由李客服处理。{{x.y}}');
  });
});

describe('articles', () => {
  it('creates, versions and finds articles by Chinese substrings of any length', async () => {
    const sup = await t.login('supervisor');
    const cat = await t.call(sup, 'POST', '/api/kb/categories', { name: '常见问题' });
    expect(cat.status).toBe(200);
    const a = await t.call(sup, 'POST', '/api/kb/articles', {
      categoryId: cat.body.id,
      kind: 'faq',
      title: '保证金如何计算',
      body: '交易保证金 = 合约价格 × 交易单位 × 持仓手数 × 保证金比例。',
      status: 'published',
      tags: ['保证金'],
    });
    expect(a.status).toBe(200);
    const b = await t.call(sup, 'POST', '/api/kb/articles', {
      kind: 'faq',
      title: '如何开户',
      body: '携带身份证和银行卡，通过适当性评估后签署期货经纪合同。',
      status: 'draft',
    });
    const agent = await t.login('agent');
    const find = async (q: string, who = agent) =>
      (await t.call(who, 'GET', `/api/kb/articles?q=${encodeURIComponent(q)}`)).body.items.map(
        (x: any) => x.title,
      );
    expect(await find('保证金')).toEqual(['保证金如何计算']);
    expect(await find('证金')).toEqual(['保证金如何计算']);
    expect(await find('价')).toEqual(['保证金如何计算']);
    expect(await find('保证 比例')).toEqual(['保证金如何计算']);
    expect(await find('金保')).toEqual([]);
    // A draft is invisible to readers, visible to editors.
    expect(await find('开户')).toEqual([]);
    expect(await find('开户', sup)).toEqual(['如何开户']);
    expect((await t.call(agent, 'GET', `/api/kb/articles/${b.body.id}`)).status).toBe(404);

    const upd = await t.call(sup, 'PATCH', `/api/kb/articles/${a.body.id}`, {
      body: '交易保证金 = 成交价 × 交易单位 × 手数 × 保证金比例；交易所与公司比例取高者。',
      note: '补充公司加收',
      version: 1,
    });
    expect(upd.status).toBe(200);
    expect(upd.body.version).toBe(2);
    const stale = await t.call(sup, 'PATCH', `/api/kb/articles/${a.body.id}`, { title: 'x', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.current.version).toBe(2);
    const versions = await t.call(agent, 'GET', `/api/kb/articles/${a.body.id}/versions`);
    expect(versions.body.map((v: any) => [v.version, v.changedByName, v.note])).toEqual([
      [2, '陈主管', '补充公司加收'],
      [1, '陈主管', null],
    ]);
    expect(await find('成交价')).toEqual(['保证金如何计算']);
    expect(await find('合约价格')).toEqual([]);
    // Agents read but cannot write.
    expect(
      (await t.call(agent, 'POST', '/api/kb/articles', { kind: 'faq', title: 'x', body: 'y' })).status,
    ).toBe(403);
  });

  it('keeps reply templates', async () => {
    const sup = await t.login('supervisor');
    const m = await t.call(sup, 'POST', '/api/kb/macros', {
      name: '受理确认',
      body: '{{customer.name}}您好，您的工单{{ticket.number}}已受理，由{{agent.name}}为您跟进。',
      ticketType: 'complaint',
    });
    expect(m.status).toBe(200);
    const agent = await t.login('agent');
    const list = await t.call(agent, 'GET', '/api/kb/macros?ticketType=complaint');
    expect(list.body.map((x: any) => x.name)).toContain('受理确认');
    expect((await t.call(agent, 'GET', '/api/kb/macros?ticketType=fault')).body).toEqual([]);
    const off = await t.call(sup, 'PATCH', `/api/kb/macros/${m.body.id}`, { active: false, version: 1 });
    expect(off.body.active).toBe(false);
    expect((await t.call(agent, 'GET', '/api/kb/macros')).body).toEqual([]);
  });
});
