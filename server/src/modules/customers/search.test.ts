import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { buildCustomer, idCard } from './fixtures.ts';

let t: TestApp;
const ids: Record<string, number> = {};
beforeAll(async () => {
  t = await createTestApp();
  const make = async (key: string, body: Record<string, unknown>) => {
    const r = await buildCustomer(t, 'supervisor', body);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    ids[key] = r.body.id;
  };
  await make('wangwei', { name: '王伟', phone: '13812345678' });
  await make('wangweiming', { name: '王伟明', phone: '13998765432' });
  await make('zhangwei', { name: '张伟', phone: '13700001234' });
  await make('org', {
    kind: 'organisation',
    name: '上海某某贸易有限公司',
    contacts: [{ name: '刘德华', phone: '021-62345678' }],
  });
  await make('idcust', { name: '李四', idNumber: idCard('19800101', 77) });
  await make('coded', { code: 'ACC-0099', name: 'Li Na', tags: ['VIP'] });
  for (let i = 0; i < 7; i++) await make(`bulk${i}`, { name: `测试客户${i}`, tier: 'retail' });
});
afterAll(async () => t?.close());

const search = async (body: Record<string, unknown>, user = 'agent') =>
  t.call(await t.login(user), 'POST', '/api/customers/search', body);
const found = (r: { body: any }) => r.body.items.map((x: any) => x.id).sort((a: number, b: number) => a - b);
const sorted = (...keys: string[]) => keys.map((k) => ids[k]).sort((a, b) => a - b);

describe('customer search', () => {
  it('finds a two-character name as a substring', async () => {
    const r = await search({ q: '王伟' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(found(r)).toEqual(sorted('wangwei', 'wangweiming'));
    expect(found(await search({ q: '伟明' }))).toEqual(sorted('wangweiming'));
    expect(found(await search({ q: '伟' }))).toEqual([]); // one character: exact code only
  });

  it('finds by any 4+ digits of a phone, including a contact’s', async () => {
    expect(found(await search({ q: '5678' }))).toEqual(sorted('wangwei', 'org'));
    expect(found(await search({ q: '138 1234' }))).toEqual(sorted('wangwei'));
    expect(found(await search({ q: '6234-5678' }))).toEqual(sorted('org'));
  });

  it('finds by code, ID number (case-insensitive) and contact name', async () => {
    expect(found(await search({ q: 'ACC-0099' }))).toEqual(sorted('coded'));
    expect(found(await search({ q: idCard('19800101', 77).toLowerCase() }))).toEqual(sorted('idcust'));
    expect(found(await search({ q: '德华' }))).toEqual(sorted('org'));
    expect(found(await search({ q: 'li na' }))).toEqual(sorted('coded'));
  });

  it('combines the search box with filters on built-in fields', async () => {
    expect(
      found(await search({ q: '伟', filters: [{ field: 'phone', op: 'eq', value: '138-1234-5678' }] })),
    ).toEqual([]);
    expect(
      found(await search({ q: '王伟', filters: [{ field: 'phone', op: 'eq', value: '138-1234-5678' }] })),
    ).toEqual(sorted('wangwei'));
    expect(found(await search({ filters: [{ field: 'tags', op: 'hasAny', value: ['VIP'] }] }))).toEqual(
      sorted('coded'),
    );
    expect(found(await search({ filters: [{ field: 'kind', op: 'eq', value: 'organisation' }] }))).toEqual(
      sorted('org'),
    );
    expect(found(await search({ filters: [{ field: 'birthDate', op: 'lt', value: '1985-01-01' }] }))).toEqual(
      sorted('idcust'),
    );
    const bad = await search({ filters: [{ field: 'nope', op: 'eq', value: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('FILTER_INVALID');
  });

  it('pages with a keyset cursor in any sort, without gaps or repeats', async () => {
    for (const sort of ['id', 'name', 'updatedAt', 'code'] as const) {
      const seen: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const r = await search({
          filters: [{ field: 'tier', op: 'eq', value: 'retail' }],
          sort,
          limit: 3,
          cursor,
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        seen.push(...r.body.items.map((x: any) => x.id));
        cursor = r.body.nextCursor ?? undefined;
        if (!cursor) break;
      }
      expect(seen.length, sort).toBe(7);
      expect(new Set(seen).size, sort).toBe(7);
    }
  });

  it('counts matches, capped', async () => {
    const r = await t.call(await t.login('agent'), 'GET', '/api/customers?tier=retail&count=true&limit=2');
    expect(r.body.count).toEqual({ value: 7, capped: false });
    expect(r.body.items).toHaveLength(2);
  });

  it('masks every phone and ID number in search results for an agent', async () => {
    const r = await t.call(await t.login('agent'), 'GET', '/api/customers?limit=200');
    const json = JSON.stringify(r.body);
    for (const secret of ['13812345678', '13998765432', '13700001234', idCard('19800101', 77)])
      expect(json).not.toContain(secret);
    const m = await t.call(await t.login('manager'), 'GET', `/api/customers?q=${encodeURIComponent('王伟')}`);
    expect(JSON.stringify(m.body)).toContain('13812345678');
  });

  it('uses the bigram index for a two-character query', async () => {
    const plan = await t.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return sql<{ 'QUERY PLAN': string }>`explain select id from customers
        where search_grams @> array['王伟'] and search_text like '%王伟%'`.execute(trx);
    });
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('customers_grams_idx');
  });
});
