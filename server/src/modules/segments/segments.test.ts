import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { insertCustomers, setCurrentMetrics } from '../tasks/fixtures.ts';
import { membersQuery, segmentCustomerQuery } from './service.ts';

let t: TestApp;
let admin: string;
let sup: string;
let bj: number[];
let sh: number[];

const RULE = (assets: number, days: number) => ({
  op: 'and',
  rules: [
    { field: 'metric.assets', op: 'gte', value: assets },
    { field: 'metric.tradingDays', op: 'gte', value: days },
  ],
});

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  sup = await t.login('supervisor');
  bj = await insertCustomers(t, 8, { owner: 'manager' });
  sh = await insertCustomers(t, 3, { branch: 'SH01', owner: 'sh_manager' });
  // BJ: [0] 8M/12d  [1] 5M/10d  [2] 5M/9d  [3] 4.99M/20d  [4] 20M/no days  [5..7] no metrics
  // SH: [0] 6M/15d  [1] 1M/20d
  await setCurrentMetrics(t, [
    { id: bj[0], assets: 8_000_000, tradingDays: 12 },
    { id: bj[1], assets: 5_000_000, tradingDays: 10 },
    { id: bj[2], assets: 5_000_000, tradingDays: 9 },
    { id: bj[3], assets: 4_990_000, tradingDays: 20 },
    { id: bj[4], assets: 20_000_000 },
    { id: sh[0], assets: 6_000_000, tradingDays: 15 },
    { id: sh[1], assets: 1_000_000, tradingDays: 20 },
  ]);
  await sql`update customers set tags = '{套保}' where id = any(${[bj[5], bj[6]]}::bigint[])`.execute(t.db);
  await sql`update customers set purpose = 'hedger' where id = ${bj[6]}`.execute(t.db);
});
afterAll(async () => t?.close());

describe('segments', () => {
  it('counts "assets ≥ 5,000,000 and trades ≥ 10 days a month", and the count follows the rule', async () => {
    const c = await t.call(admin, 'POST', '/api/segments/count', { rule: RULE(5_000_000, 10) });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toEqual({ value: 3, capped: false }); // bj0, bj1, sh0
    expect(
      (await t.call(admin, 'POST', '/api/segments/count', { rule: RULE(5_000_000, 9) })).body.value,
    ).toBe(4);
    expect(
      (await t.call(admin, 'POST', '/api/segments/count', { rule: RULE(6_000_000, 10) })).body.value,
    ).toBe(2);
    expect(
      (await t.call(admin, 'POST', '/api/segments/count', { rule: RULE(4_000_000, 10) })).body.value,
    ).toBe(4);

    const created = await t.call(admin, 'POST', '/api/segments', {
      name: '大资金活跃客户',
      kind: 'rule',
      rule: RULE(5_000_000, 10),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.branchId).toBeNull();
    const members = await t.call(admin, 'GET', `/api/segments/${created.body.id}/customers?count=true`);
    expect(members.body.items.map((x: any) => x.id)).toEqual([bj[0], bj[1], sh[0]]);
    expect(members.body.count).toEqual({ value: 3, capped: false });

    const changed = await t.call(admin, 'PATCH', `/api/segments/${created.body.id}`, {
      rule: RULE(5_000_000, 9),
      version: created.body.version,
    });
    expect(changed.status).toBe(200);
    const after = await t.call(admin, 'GET', `/api/segments/${created.body.id}/customers`);
    expect(after.body.items.map((x: any) => x.id)).toEqual([bj[0], bj[1], bj[2], sh[0]]);
  });

  it("nests AND/OR over fields, tags and metrics, and always limits members to the viewer's branches", async () => {
    const rule = {
      op: 'or',
      rules: [
        RULE(5_000_000, 10),
        {
          op: 'and',
          rules: [
            { field: 'tags', op: 'hasAny', value: ['套保'] },
            { field: 'purpose', op: 'eq', value: 'hedger' },
          ],
        },
      ],
    };
    expect((await t.call(admin, 'POST', '/api/segments/count', { rule })).body.value).toBe(4); // + bj6
    const seg = await t.call(admin, 'POST', '/api/segments', { name: '套保或大户', kind: 'rule', rule });
    // The Beijing supervisor and the Shanghai manager see the same company-wide segment, each only their branch.
    const bjView = await t.call(sup, 'GET', `/api/segments/${seg.body.id}/customers?count=true`);
    expect(bjView.body.items.map((x: any) => x.id)).toEqual([bj[0], bj[1], bj[6]]);
    expect(bjView.body.count.value).toBe(3);
    await t.db
      .insertInto('user_roles')
      .columns(['user_id', 'role_id'])
      .expression((eb) =>
        eb
          .selectFrom('users')
          .innerJoin('roles', (j) => j.on('roles.code', '=', 'supervisor'))
          .select(['users.id', 'roles.id'])
          .where('users.username', '=', 'sh_manager'),
      )
      .execute();
    const shm = await t.login('sh_manager');
    const shView = await t.call(shm, 'GET', `/api/segments/${seg.body.id}/customers`);
    expect(shView.body.items.map((x: any) => x.id)).toEqual([sh[0]]);
    expect((await t.call(shm, 'POST', '/api/segments/count', { rule })).body.value).toBe(1);
    // A Beijing segment is not visible in Shanghai; segmentCustomerQuery applies the same scope.
    const bjSeg = await t.call(sup, 'POST', '/api/segments', { name: '北京', kind: 'rule', rule });
    expect(bjSeg.body.branchId).toBe(2);
    expect((await t.call(shm, 'GET', `/api/segments/${bjSeg.body.id}`)).status).toBe(404);
    expect((await t.call(shm, 'GET', '/api/segments')).body.items.map((s: any) => s.id)).not.toContain(
      bjSeg.body.id,
    );
    const actorOf = async (username: string) => {
      const { actorFromSession } = await import('../../platform/auth.ts');
      const cookie = await t.login(username);
      return (await actorFromSession(t.db, cookie.split('=')[1], 8))!;
    };
    const ctx = { db: t.db, actor: await actorOf('sh_manager'), ip: null };
    const ids = await segmentCustomerQuery(ctx, seg.body.id);
    expect((await ids.execute()).map((r) => Number(r.id))).toEqual([sh[0]]);
    // Company-wide segments are changed by head office only.
    const denied = await t.call(sup, 'PATCH', `/api/segments/${seg.body.id}`, { name: 'x', version: 1 });
    expect(denied.status).toBe(404);
  });

  it('compiles the whole rule to one parameterised query', () => {
    const q = membersQuery(
      t.db,
      {
        id: 0,
        kind: 'rule',
        branch_id: null,
        rule: {
          op: 'and',
          rules: [
            { field: 'name', op: 'contains', value: "x'; drop table customers; --" },
            ...RULE(5_000_000, 10).rules,
          ],
        },
      },
      [],
      [2],
    ).compile();
    expect(q.sql).not.toContain('drop table');
    expect(q.sql).not.toContain('5000000');
    expect(q.sql).toMatch(/left join "customer_metrics_current" as "m"/);
    expect(q.parameters).toContain(5_000_000);
  });

  it('rejects an invalid rule with the path of the bad leaf', async () => {
    const r = await t.call(admin, 'POST', '/api/segments/count', {
      rule: {
        op: 'and',
        rules: [
          { field: 'status', op: 'eq', value: 'active' },
          { field: 'metric.nope', op: 'gte', value: 1 },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('RULE_INVALID');
    expect(r.body.error.fields).toEqual({ 'rule.rules.1': 'FIELD_UNKNOWN' });
    const bad = await t.call(admin, 'POST', '/api/segments/count', {
      rule: { op: 'and', rules: [{ field: 'metric.assets', op: 'gte', value: 'lots' }] },
    });
    expect(bad.body.error.fields).toEqual({ 'rule.rules.0': 'VALUE_NUMBER' });
    expect((await t.call(admin, 'POST', '/api/segments', { name: 'x', kind: 'rule' })).status).toBe(400);
  });

  it('keeps static segments from a list of ids or customer codes, within scope', async () => {
    const codes = await t.db
      .selectFrom('customers')
      .select('code')
      .where('id', 'in', [bj[2], bj[3]])
      .execute();
    const shCode = await t.db
      .selectFrom('customers')
      .select('code')
      .where('id', '=', sh[2])
      .executeTakeFirstOrThrow();
    const s = await t.call(sup, 'POST', '/api/segments', {
      name: '名单',
      kind: 'static',
      customerIds: [bj[4]],
      codes: [...codes.map((c) => c.code.toLowerCase()), shCode.code, 'NO-SUCH'],
    });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const members = await t.call(sup, 'GET', `/api/segments/${s.body.id}/customers?count=true`);
    expect(members.body.items.map((x: any) => x.id)).toEqual([bj[2], bj[3], bj[4]]); // Shanghai's not added
    const add = await t.call(sup, 'POST', `/api/segments/${s.body.id}/members`, {
      customerIds: [bj[4], bj[5]],
    });
    expect(add.body).toEqual({ added: 1, notFound: 0 });
    const rm = await t.call(sup, 'POST', `/api/segments/${s.body.id}/members/remove`, {
      customerIds: [bj[2]],
    });
    expect(rm.body).toEqual({ removed: 1 });
    expect(
      (await t.call(sup, 'GET', `/api/segments/${s.body.id}/customers?count=true`)).body.count.value,
    ).toBe(3);
    const del = await t.call(sup, 'DELETE', `/api/segments/${s.body.id}`);
    expect(del.status).toBe(200);
  });

  it('keeps an age rule relative to today: "age ≥ 65" is stored as 65 years, not as a birth date', async () => {
    // [0] 65 today  [1] 65 tomorrow  [2] 70  [3] 64  [4] no birth date — all tagged to keep them apart.
    const ids = await insertCustomers(t, 5, { owner: 'manager' });
    const born = ['65 years', '65 years -1 days', '70 years', '64 years', null];
    for (const [i, ago] of born.entries())
      await sql`update customers set tags = '{年龄测试}',
                  birth_date = ${ago ? sql`current_date - ${ago}::interval` : null}
                where id = ${ids[i]}`.execute(t.db);
    const only = (leaf: object) => ({
      op: 'and',
      rules: [
        { field: 'tags', op: 'hasAny', value: ['年龄测试'] },
        { field: 'age', ...leaf },
      ],
    });
    let n = 0;
    const members = async (leaf: object) => {
      const seg = await t.call(admin, 'POST', '/api/segments', {
        name: `年龄 ${++n}`,
        kind: 'rule',
        rule: only(leaf),
      });
      expect(seg.status, JSON.stringify(seg.body)).toBe(200);
      const r = await t.call(admin, 'GET', `/api/segments/${seg.body.id}/customers`);
      return { seg: seg.body, ids: r.body.items.map((x: any) => x.id) };
    };
    const senior = await members({ op: 'gte', value: 65 });
    expect(senior.ids).toEqual([ids[0], ids[2]]);
    expect(senior.seg.rule.rules[1]).toEqual({ field: 'age', op: 'gte', value: 65 });
    expect((await members({ op: 'gt', value: 64 })).ids).toEqual([ids[0], ids[2]]);
    expect((await members({ op: 'lt', value: 65 })).ids).toEqual([ids[1], ids[3]]);
    expect((await members({ op: 'lte', value: 65 })).ids).toEqual([ids[0], ids[1], ids[3]]);
    expect((await members({ op: 'eq', value: 64 })).ids).toEqual([ids[1], ids[3]]);
    expect((await members({ op: 'between', value: [65, 69] })).ids).toEqual([ids[0]]);
    expect((await members({ op: 'empty' })).ids).toEqual([ids[4]]);
    // A day later the one who turns 65 tomorrow is in: the same saved rule, no date to move.
    await sql`update customers set birth_date = birth_date - interval '1 day' where id = ${ids[1]}`.execute(
      t.db,
    );
    const next = await t.call(admin, 'GET', `/api/segments/${senior.seg.id}/customers`);
    expect(next.body.items.map((x: any) => x.id)).toEqual([ids[0], ids[1], ids[2]]);
    // The SQL compares birth_date with current_date - N years, N a bound parameter.
    const q = membersQuery(
      t.db,
      { id: 0, kind: 'rule', branch_id: null, rule: only({ op: 'gte', value: 65 }) },
      [],
      'all',
    ).compile();
    expect(q.sql).toMatch(/customers\.birth_date <= current_date - make_interval\(years => \$\d+::int\)/);
    expect(q.parameters).toContain(65);
    const bad = await t.call(admin, 'POST', '/api/segments/count', {
      rule: { op: 'and', rules: [{ field: 'age', op: 'gte', value: 65.5 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ 'rule.rules.0': 'VALUE_AGE' });
  });
});
