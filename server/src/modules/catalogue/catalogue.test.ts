import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { departmentId, userId } from '../../test/fixtures.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { periodOf } from './periods.ts';
import { runServiceSchedule } from './schedule.ts';

let t: TestApp;
let admin: string;
let vip: number[];
let retail: number[];
let shVip: number[];
let pkg: any;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  vip = await insertCustomers(t, 3, { owner: 'manager', tier: 'VIP' });
  retail = await insertCustomers(t, 2, { owner: 'manager', tier: '散户' });
  shVip = await insertCustomers(t, 2, { branch: 'SH01', owner: 'sh_manager', tier: 'VIP' });
});
afterAll(async () => t?.close());

const count = async (q: string) => Number((await sql.raw<{ n: string }>(q).execute(t.db)).rows[0].n);

describe('periods', () => {
  it('keys periods in China time', () => {
    const at = new Date('2026-12-31T17:00:00Z'); // 2027-01-01 01:00 in Shanghai
    expect(periodOf('quarterly', at)).toMatchObject({
      key: '2027-Q1',
      end: new Date('2027-03-31T16:00:00Z'),
    });
    expect(periodOf('monthly', at).key).toBe('2027-01');
    expect(periodOf('weekly', at).key).toBe('2026-W53');
    expect(periodOf('yearly', at).key).toBe('2027');
    expect(periodOf('daily', at).key).toBe('2027-01-01');
    expect(periodOf('weekly', new Date('2026-11-22T04:00:00Z'))).toMatchObject({
      key: '2026-W47',
      start: new Date('2026-11-15T16:00:00Z'),
      end: new Date('2026-11-22T16:00:00Z'),
    });
  });
});

describe('service catalogue and scheduled fulfilment', () => {
  it('builds a VIP package with a quarterly on-site inspection and a weekly research report, bound to the VIP tier', async () => {
    const inspection = await t.call(admin, 'POST', '/api/service-items', {
      code: 'ONSITE_Q',
      name: '季度上门巡检',
      channel: 'visit',
      frequency: 'quarterly',
      taskKind: 'visit',
      unitCost: 800,
      standard: '到客户现场，检查交易系统并填写巡检记录',
    });
    expect(inspection.status, JSON.stringify(inspection.body)).toBe(200);
    const report = await t.call(admin, 'POST', '/api/service-items', {
      code: 'RESEARCH_W',
      name: '每周研究报告',
      channel: 'email',
      frequency: 'weekly',
      taskKind: 'delivery',
      assignTo: 'department',
      ownerDepartmentId: await departmentId(t, 'RD'),
      unitCost: 20,
    });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const noDept = await t.call(admin, 'POST', '/api/service-items', {
      code: 'BAD',
      name: 'x',
      channel: 'email',
      frequency: 'weekly',
      assignTo: 'department',
    });
    expect(noDept.status).toBe(400);
    const res = await t.call(admin, 'POST', '/api/service-packages', {
      code: 'VIP',
      name: 'VIP 服务包',
      kind: 'vip',
      itemIds: [inspection.body.id, report.body.id],
      tiers: ['VIP'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pkg = res.body;
    expect(pkg.items.map((i: any) => i.code)).toEqual(['ONSITE_Q', 'RESEARCH_W']);
    expect(pkg.tiers).toEqual(['VIP']);
    // Only service.manage may change the catalogue.
    expect((await t.call(await t.login('supervisor'), 'POST', '/api/service-items', {})).status).toBe(400);
    const denied = await t.call(await t.login('supervisor'), 'PATCH', `/api/service-packages/${pkg.id}`, {
      name: 'x',
      version: pkg.version,
    });
    expect(denied.status).toBe(403);
  });

  it("gives the VIP customer's owner the inspection task in 'my tasks', and the research desk its deliveries", async () => {
    const r = await runServiceSchedule(t.db);
    expect(r.created).toBe((vip.length + shVip.length) * 2);
    const m = await t.login('manager');
    const mine = await t.call(m, 'GET', '/api/tasks?view=mine&limit=200');
    const inspections = mine.body.items.filter((x: any) => x.title === '季度上门巡检');
    expect(inspections.map((x: any) => x.customerId).sort()).toEqual(vip);
    expect(inspections[0]).toMatchObject({
      kind: 'visit',
      sourceKind: 'entitlement',
      assigneeId: await userId(t, 'manager'),
      dueAt: periodOf('quarterly').end.toISOString(),
    });
    // Retail customers get nothing; the research deliveries sit on the research department's desk.
    expect(mine.body.items.some((x: any) => retail.includes(x.customerId))).toBe(false);
    const desk = await count(
      `select count(*) as n from tasks where title = '每周研究报告' and assignee_id is null and department_id = ${await departmentId(t, 'RD')}`,
    );
    expect(desk).toBe(vip.length + shVip.length);
  });

  it('creates no duplicate when the scheduler runs twice, concurrently, or again after a crash mid-run', async () => {
    const before = await count('select count(*) as n from tasks');
    expect((await runServiceSchedule(t.db)).created).toBe(0);
    await Promise.all([runServiceSchedule(t.db), runServiceSchedule(t.db)]);
    expect(await count('select count(*) as n from tasks')).toBe(before);

    // A new VIP customer, then a run that dies after its first statement, then a restart.
    const more = await insertCustomers(t, 4, { owner: 'manager', tier: 'VIP' });
    await expect(
      runServiceSchedule(t.db, {
        onStep: (step) => {
          if (step === 1) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const mid = await count('select count(*) as n from tasks');
    expect(mid).toBe(before + more.length); // the first item's tasks committed, the second's not yet
    const rerun = await runServiceSchedule(t.db);
    expect(rerun.created).toBe(more.length);
    expect(await count('select count(*) as n from tasks')).toBe(before + more.length * 2);
    const dup = await count(
      `select count(*) as n from (select customer_id, title, due_at from tasks where source_kind = 'entitlement'
        group by 1, 2, 3 having count(*) > 1) x`,
    );
    expect(dup).toBe(0);
    expect(await count('select count(*) as n from service_fulfilments')).toBe(
      await count(`select count(*) as n from tasks where source_kind = 'entitlement'`),
    );
    // A new quarter is a new period: the next run creates the next quarter's inspections.
    const next = await runServiceSchedule(t.db, {
      at: new Date(periodOf('quarterly').end.getTime() + 3600_000),
    });
    expect(next.created).toBeGreaterThanOrEqual(vip.length + more.length + shVip.length);
  });

  it("shows a customer's entitlements with fulfilment per period, and the fulfilment rate", async () => {
    const m = await t.login('manager');
    const e = await t.call(m, 'GET', `/api/customers/${vip[0]}/entitlements`);
    expect(e.status, JSON.stringify(e.body)).toBe(200);
    expect(e.body.packages).toHaveLength(1);
    expect(e.body.packages[0]).toMatchObject({ code: 'VIP', via: { tier: 'VIP', segmentId: null } });
    const inspection = e.body.packages[0].items.find((i: any) => i.code === 'ONSITE_Q');
    expect(inspection.currentPeriod).toBe(periodOf('quarterly').key);
    const current = inspection.fulfilments.find((f: any) => f.periodKey === periodOf('quarterly').key);
    expect(current).toMatchObject({ status: 'open' });
    // Do it: the fulfilment shows done and the rate moves.
    const done = await t.call(m, 'POST', `/api/tasks/${current.taskId}/complete`, { outcome: '巡检完成' });
    expect(done.status).toBe(200);
    const again = await t.call(m, 'GET', `/api/customers/${vip[0]}/entitlements`);
    const f2 = again.body.packages[0].items
      .find((i: any) => i.code === 'ONSITE_Q')
      .fulfilments.find((f: any) => f.periodKey === periodOf('quarterly').key);
    expect(f2).toMatchObject({ status: 'done', outcome: '巡检完成' });
    const retailE = await t.call(m, 'GET', `/api/customers/${retail[0]}/entitlements`);
    expect(retailE.body.packages).toEqual([]);

    const rep = await t.call(
      admin,
      'GET',
      `/api/service-reports/fulfilment?by=item&periodKey=${periodOf('quarterly').key}`,
    );
    expect(rep.status, JSON.stringify(rep.body)).toBe(200);
    const row = rep.body.items.find((x: any) => x.label === '季度上门巡检');
    expect(row.done).toBe(1);
    expect(row.total).toBe(vip.length + 4 + shVip.length);
    // Branch scoping: the Shanghai view counts only Shanghai's fulfilments; by manager and branch work too.
    const byBranch = await t.call(admin, 'GET', '/api/service-reports/fulfilment?by=branch');
    expect(byBranch.body.items.map((x: any) => x.key).sort()).toEqual([2, 3]);
    const byManager = await t.call(admin, 'GET', '/api/service-reports/fulfilment?by=manager');
    expect(byManager.body.items.some((x: any) => x.key === null)).toBe(true); // the research desk
    const bm = await t.call(await t.login('branchmgr'), 'GET', '/api/service-reports/fulfilment?by=branch');
    expect(bm.status).toBe(200);
    expect(bm.body.items.map((x: any) => x.key)).toEqual([2]);
    // Another branch's customer's entitlements are not found.
    expect((await t.call(m, 'GET', `/api/customers/${shVip[0]}/entitlements`)).status).toBe(404);
  });
});
