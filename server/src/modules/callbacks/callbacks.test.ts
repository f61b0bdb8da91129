// Regulatory callbacks: a new account's callback is due on the business calendar; the yearly sample draws the
// configured share, leaves dormant accounts out, and is the same for the same seed; records cannot be deleted.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { demoCalendar } from '../calendar/demo.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { generateNewAccountCallbacks } from './service.ts';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  await demoCalendar(t.db); // the standard calendar with the 2026 holidays and make-up days, as default
});
afterAll(async () => {
  await t?.close();
});

describe('new accounts', () => {
  it('gets a callback task due 3 working days after opening, counted on the business calendar', async () => {
    const rule = await t.call(admin, 'POST', '/api/callbacks/rules', {
      name: '期货新开户回访',
      kind: 'new_account',
      deadlineAmount: 3,
      deadlineUnit: 'working_days',
      effectiveFrom: '2026-09-01T00:00:00+08:00',
    });
    expect(rule.status).toBe(201);
    // Opened Wednesday 30 September 2026: 1–7 October is the National Day holiday, Saturday 10 October a make-up
    // working day — so the three working days are 8, 9 and 10 October, due at the close (17:00) of the 10th.
    const [id] = await insertCustomers(t, 1);
    await sql`update customers set created_at = '2026-09-30T10:00:00+08:00' where id = ${id}`.execute(t.db);
    const older = await insertCustomers(t, 1);
    await sql`update customers set created_at = '2026-08-01T10:00:00+08:00' where id = ${older[0]}`.execute(
      t.db,
    );
    const [fresh] = await insertCustomers(t, 1); // opened now
    const sup = await t.login('supervisor');
    const g = await t.call(sup, 'POST', `/api/callbacks/rules/${rule.body.id}/generate`);
    expect(g.status).toBe(200);
    const list = await t.call(sup, 'GET', `/api/callbacks?customerId=${id}`);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({
      kind: 'new_account',
      status: 'open',
      dueAt: '2026-10-10T09:00:00.000Z',
    });
    const task = await t.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', list.body[0].taskId)
      .executeTakeFirstOrThrow();
    expect(task).toMatchObject({ kind: 'call', source_kind: 'callback', customer_id: id, status: 'open' });
    expect(task.due_at!.toISOString()).toBe('2026-10-10T09:00:00.000Z');
    // Before the rule took effect: no callback. Running again: nothing new.
    expect((await t.call(sup, 'GET', `/api/callbacks?customerId=${older[0]}`)).body).toHaveLength(0);
    expect(await t.db.transaction().execute((trx) => generateNewAccountCallbacks(trx))).toBe(0);

    // The result: every question is required when reached; the task is closed; the record cannot be deleted.
    const agent = await t.login('agent');
    const bad = await t.call(agent, 'POST', `/api/callbacks/${list.body[0].id}/result`, {
      reached: true,
      answers: { is_self: true },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('answers.signed_risk_disclosure');
    const ok = await t.call(agent, 'POST', `/api/callbacks/${list.body[0].id}/result`, {
      reached: true,
      answers: {
        is_self: true,
        signed_risk_disclosure: true,
        risks_explained: true,
        unauthorised_trading: false,
        discretionary_arrangement: false,
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'done', result: { reached: true, issues: false } });
    expect(
      (await t.db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('done');
    expect(
      (
        await t.call(agent, 'POST', `/api/callbacks/${list.body[0].id}/result`, {
          reached: false,
          notes: 'x',
        })
      ).body.error.code,
    ).toBe('CALLBACK_DONE');
    await expect(
      sql`delete from regulatory_callbacks where id = ${list.body[0].id}`.execute(t.db),
    ).rejects.toThrow(/cannot be deleted/);

    // The account opened now is called back within its deadline; the one of 30 September was late (due 10 October).
    const freshCb = (await t.call(sup, 'GET', `/api/callbacks?customerId=${fresh}`)).body[0];
    expect(new Date(freshCb.dueAt).getTime()).toBeGreaterThan(Date.now());
    await t.call(agent, 'POST', `/api/callbacks/${freshCb.id}/result`, {
      reached: false,
      notes: '客户在国外 abroad',
    });
    const report = await t.call(sup, 'GET', '/api/callbacks/report?year=2026');
    expect(report.body).toEqual([
      expect.objectContaining({
        branchCode: 'BJ01',
        total: 2,
        completed: 2,
        onTime: 1,
        overdue: 0,
        onTimeRate: 0.5,
      }),
    ]);
  });
});

describe('a customer without an owner', () => {
  it('gets the callback task assigned to a supervisor of the branch', async () => {
    const rule = await t.call(admin, 'POST', '/api/callbacks/rules', {
      name: '证券新开户回访',
      kind: 'new_account',
      deadlineAmount: 1,
      deadlineUnit: 'months',
    });
    const [id] = await insertCustomers(t, 1, { owner: null });
    await t.call(admin, 'POST', `/api/callbacks/rules/${rule.body.id}/generate`);
    const cb = (await t.call(admin, 'GET', `/api/callbacks?customerId=${id}&ruleId=${rule.body.id}`)).body[0];
    const task = await t.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', cb.taskId)
      .executeTakeFirstOrThrow();
    const sup = await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'supervisor')
      .executeTakeFirstOrThrow();
    expect(task.assignee_id).toBe(sup.id);
  });
});

describe('yearly sample', () => {
  it('draws 10% of last year-end’s active customers, dormant excluded, the same for the same seed', async () => {
    const active = await insertCustomers(t, 200, { prefix: 'SAMPA' });
    const dormant = await insertCustomers(t, 50, { prefix: 'SAMPD', status: 'dormant' });
    const sh = await insertCustomers(t, 100, { prefix: 'SAMPS', branch: 'SH01' });
    const newer = await insertCustomers(t, 30, { prefix: 'SAMPN' });
    await sql`update customers set created_at = '2025-06-01T00:00:00+08:00' where id = any(${[...active, ...dormant, ...sh]}::bigint[])`.execute(
      t.db,
    );
    await sql`update customers set created_at = '2026-02-01T00:00:00+08:00' where id = any(${newer}::bigint[])`.execute(
      t.db,
    );
    // Other customers of the demo and earlier tests were created now (2026): not in last year-end's population.
    const rule = await t.call(admin, 'POST', '/api/callbacks/rules', {
      name: '年度抽样回访',
      kind: 'yearly_sample',
      deadlineAmount: 1,
      deadlineUnit: 'months',
      sampleShare: 0.1,
    });
    const url = `/api/callbacks/rules/${rule.body.id}/sample?year=2026&seed=kefu-2026`;
    const a = await t.call(admin, 'GET', url);
    const b = await t.call(admin, 'GET', url);
    expect(a.body.count).toBe(30); // ceil(10% × 300 active at 2025 year-end, both branches)
    expect(a.body.customerIds).toEqual(b.body.customerIds);
    const ids = new Set(a.body.customerIds);
    expect(dormant.some((x) => ids.has(x)) || newer.some((x) => ids.has(x))).toBe(false);
    const other = await t.call(
      admin,
      'GET',
      `/api/callbacks/rules/${rule.body.id}/sample?year=2026&seed=another`,
    );
    expect(other.body.customerIds).not.toEqual(a.body.customerIds);
    // A branch supervisor's preview is the sample of the branch only.
    const bj = await t.call(await t.login('supervisor'), 'GET', url);
    expect(bj.body.count).toBe(20);

    const d1 = await t.call(admin, 'POST', `/api/callbacks/rules/${rule.body.id}/draw`, {
      year: 2026,
      seed: 'kefu-2026',
    });
    expect(d1.body).toMatchObject({ drawn: 30, created: 30 });
    const d2 = await t.call(admin, 'POST', `/api/callbacks/rules/${rule.body.id}/draw`, {
      year: 2026,
      seed: 'kefu-2026',
    });
    expect(d2.body).toMatchObject({ drawn: 30, created: 0 });
    const drawn = await t.db
      .selectFrom('regulatory_callbacks')
      .select('customer_id')
      .where('rule_id', '=', rule.body.id)
      .execute();
    expect(drawn.map((r) => r.customer_id).sort((x, y) => x - y)).toEqual(
      [...a.body.customerIds].sort((x: number, y: number) => x - y),
    );
  });
});
