import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ensureRole, ensureUser } from '../../test/fixtures.ts';
import { insertCustomers, setCurrentMetrics } from '../tasks/fixtures.ts';

let t: TestApp;
let admin: string;
let bj: number[];
let sh: number[];

const tierOf = async (ids: number[]) =>
  (
    await t.db.selectFrom('customers').select(['id', 'tier']).where('id', 'in', ids).orderBy('id').execute()
  ).map((r) => r.tier);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  // Ten Beijing customers with 12-month revenue 1000, 900 … 100 (in id order), five Shanghai ones at 50 each.
  bj = await insertCustomers(t, 10, { owner: 'manager' });
  sh = await insertCustomers(t, 5, { branch: 'SH01', owner: 'sh_manager' });
  await setCurrentMetrics(t, [
    ...bj.map((id, i) => ({ id, revenue12m: 1000 - i * 100 })),
    ...sh.map((id) => ({ id, revenue12m: 1 })),
  ]);
});
afterAll(async () => t?.close());

const CONFIG = {
  basis: 'customers',
  metric: 'revenue_12m',
  tiers: [
    { code: 'VIP', name: 'VIP', cutoff: 0.2 },
    { code: '中户', name: '中户', cutoff: 0.5 },
    { code: '散户', name: '散户', cutoff: 1 },
  ],
};

describe('value tiers', () => {
  it('assigns tiers by the Pareto cut-offs and records every change', async () => {
    const put = await t.call(admin, 'PUT', '/api/tiers', CONFIG);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const r = await t.call(admin, 'POST', '/api/tiers/recompute');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ customers: 15, changed: 15 });
    // 15 customers ranked: top 20 % = ranks 1–3 (shares 0, 1/15, 2/15 < 0.2 … 3/15 = 0.2 is not).
    expect(await tierOf(bj)).toEqual([
      'VIP',
      'VIP',
      'VIP',
      '中户',
      '中户',
      '中户',
      '中户',
      '中户',
      '散户',
      '散户',
    ]);
    expect(new Set(await tierOf(sh))).toEqual(new Set(['散户']));
    const changes = await t.db
      .selectFrom('customer_tier_changes')
      .selectAll()
      .where('run_id', '=', r.body.runId)
      .execute();
    expect(changes).toHaveLength(15);
    expect(changes.find((c) => c.customer_id === bj[0])).toMatchObject({ old_tier: null, new_tier: 'VIP' });
    const history = await t.db
      .selectFrom('customer_history')
      .selectAll()
      .where('customer_id', '=', bj[0])
      .where('field', '=', 'tier')
      .execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ old_value: null, new_value: 'VIP' });

    // Nothing changed → nothing recorded; then the last customer's revenue jumps and three tiers move.
    expect((await t.call(admin, 'POST', '/api/tiers/recompute')).body.changed).toBe(0);
    await setCurrentMetrics(t, [{ id: bj[9], revenue12m: 5000 }]);
    const again = await t.call(admin, 'POST', '/api/tiers/recompute');
    expect(again.body.changed).toBe(3);
    expect(await tierOf(bj)).toEqual([
      'VIP',
      'VIP',
      '中户',
      '中户',
      '中户',
      '中户',
      '中户',
      '散户',
      '散户',
      'VIP',
    ]);
    const moved = await t.call(admin, 'GET', `/api/tiers/changes?runId=${again.body.runId}`);
    expect(
      moved.body.items
        .map((c: any) => [c.customerId, c.oldTier, c.newTier])
        .sort((a: any, b: any) => a[0] - b[0]),
    ).toEqual([
      [bj[2], 'VIP', '中户'],
      [bj[7], '中户', '散户'],
      [bj[9], '散户', 'VIP'],
    ]);
  });

  it('supports a share-of-revenue basis and rule-narrowed tiers (the brokerage classes)', async () => {
    await sql`update customers set purpose = 'hedger' where id = ${bj[0]}`.execute(t.db);
    await sql`update customers set purpose = 'speculator' where id = ${bj[9]}`.execute(t.db);
    const put = await t.call(admin, 'PUT', '/api/tiers', {
      basis: 'revenue',
      metric: 'revenue_12m',
      tiers: [
        {
          code: '套保大户',
          name: '套保大户',
          cutoff: 0.5,
          rule: { op: 'and', rules: [{ field: 'purpose', op: 'eq', value: 'hedger' }] },
        },
        {
          code: '多品种投机大户',
          name: '多品种投机大户',
          cutoff: 0.5,
          rule: { op: 'and', rules: [{ field: 'purpose', op: 'eq', value: 'speculator' }] },
        },
        { code: '中户', name: '中户', cutoff: 0.8 },
        { code: '散户', name: '散户', cutoff: 1 },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await t.call(admin, 'POST', '/api/tiers/recompute');
    // Revenue total 5000 + (1000+…+200) + 5 = 10405, ranked bj9 (5000), bj0 (1000), bj1 (900) …; the share
    // before each: bj9 0 → 投机大户; bj0 48 % (hedger) → 套保大户; bj1 58 % → 中户; bj3 74 % → 中户; bj4 81 % → 散户.
    const tiers = await tierOf(bj);
    expect(tiers).toEqual([
      '套保大户',
      '中户',
      '中户',
      '中户',
      '散户',
      '散户',
      '散户',
      '散户',
      '散户',
      '多品种投机大户',
    ]);
    const bad = await t.call(admin, 'PUT', '/api/tiers', {
      ...CONFIG,
      tiers: [
        { code: 'A', name: 'A', cutoff: 0.5 },
        {
          code: 'B',
          name: 'B',
          cutoff: 0.2,
          rule: { op: 'and', rules: [{ field: 'nope', op: 'eq', value: 1 }] },
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({
      'tiers.1.cutoff': 'NOT_ASCENDING',
      'tiers.1.rule.rules.0': 'FIELD_UNKNOWN',
    });
    await t.call(admin, 'PUT', '/api/tiers', CONFIG);
    await t.call(admin, 'POST', '/api/tiers/recompute');
  });

  it('returns the Pareto curve (≤ 200 points) with the cut-offs', async () => {
    const many = await insertCustomers(t, 1000, { owner: 'manager' });
    await sql`
      insert into customer_metrics_current (customer_id, revenue_12m)
      select id, (1000000 / (row_number() over (order by id)))::numeric from unnest(${many}::bigint[]) id`.execute(
      t.db,
    );
    const p = await t.call(admin, 'GET', '/api/tiers/pareto');
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.customers).toBe(1015);
    expect(p.body.points.length).toBeLessThanOrEqual(200);
    expect(p.body.points.length).toBeGreaterThan(100);
    expect(p.body.points[0]).toEqual({ customerShare: 0, valueShare: 0 });
    const last = p.body.points[p.body.points.length - 1];
    expect(last.customerShare).toBe(1);
    expect(last.valueShare).toBeCloseTo(1, 10);
    for (let i = 1; i < p.body.points.length; i++) {
      expect(p.body.points[i].customerShare).toBeGreaterThan(p.body.points[i - 1].customerShare);
      expect(p.body.points[i].valueShare).toBeGreaterThanOrEqual(p.body.points[i - 1].valueShare);
    }
    // A Zipf-like book: the top 20 % of customers make most of the revenue.
    const at20 = p.body.points.find((x: any) => x.customerShare >= 0.2);
    expect(at20.valueShare).toBeGreaterThan(0.7);
    expect(p.body.cutoffs).toEqual([
      { code: 'VIP', name: 'VIP', cutoff: 0.2 },
      { code: '中户', name: '中户', cutoff: 0.5 },
      { code: '散户', name: '散户', cutoff: 1 },
    ]);
  });

  it('is branch-scoped: curve and changes of my branch only; configuration and recomputation need all branches', async () => {
    const bm = await t.login('branchmgr');
    const p = await t.call(bm, 'GET', '/api/tiers/pareto');
    expect(p.status).toBe(200);
    expect(p.body.customers).toBe(1010); // Beijing only
    const ch = await t.call(await t.login('sh_agent'), 'GET', '/api/tiers/changes?limit=200');
    expect(ch.status).toBe(200);
    expect(ch.body.items.length).toBeGreaterThan(0);
    expect(ch.body.items.every((c: any) => c.branchId === 3)).toBe(true);
    await ensureRole(t, 'bj_tiers', ['tier.manage', 'customer.read']);
    await ensureUser(t, 'bj_tier_admin', { roles: ['bj_tiers'] });
    const local = await t.login('bj_tier_admin');
    expect((await t.call(local, 'POST', '/api/tiers/recompute')).status).toBe(403);
    expect((await t.call(local, 'PUT', '/api/tiers', CONFIG)).status).toBe(403);
  });
});
