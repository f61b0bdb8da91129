// Visit plans: plan with an evening window, week/month views, overdue flag, check-in with location, completion
// writing a 'visit' interaction and follow-up tasks, counts per manager, another branch's visits invisible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { insertCustomers } from '../tasks/fixtures.ts';

let t: TestApp;
let manager: string;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.login('manager');
});
afterAll(async () => {
  await t?.close();
});

// Dates in Asia/Shanghai, relative to the day the test runs (never a fixed calendar date).
const dayInShanghai = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const today = () => dayInShanghai(0);

describe('visits', () => {
  it('plans, checks in, completes with findings and follow-ups, and counts', async () => {
    const [c1, c2] = await insertCustomers(t, 2);
    const v = await t.call(manager, 'POST', '/api/visits', {
      customerId: c1,
      purpose: '年度走访，了解投资需求',
      plannedDate: today(),
      windowFrom: '19:00',
      windowTo: '21:00',
    });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({
      status: 'planned',
      windowFrom: '19:00',
      windowTo: '21:00',
      overdue: false,
    });
    const late = await t.call(manager, 'POST', '/api/visits', {
      customerId: c2,
      purpose: '回访',
      plannedDate: dayInShanghai(-29),
    });
    expect(late.body.overdue).toBe(true);
    expect(
      (
        await t.call(manager, 'POST', '/api/visits', {
          customerId: c2,
          purpose: 'x',
          plannedDate: today(),
          windowFrom: '21:00',
          windowTo: '19:00',
        })
      ).body.error.code,
    ).toBe('WINDOW_INVALID');

    const week = await t.call(manager, 'GET', '/api/visits?view=week');
    expect(week.body.map((x: any) => x.id)).toContain(v.body.id);
    // The month view holds the visits of the month of the given date, and only those.
    const month = await t.call(manager, 'GET', `/api/visits?view=month&date=${today()}`);
    const lateMonth = await t.call(manager, 'GET', `/api/visits?view=month&date=${dayInShanghai(-29)}`);
    const sameMonth = today().slice(0, 7) === dayInShanghai(-29).slice(0, 7);
    expect(month.body.map((x: any) => x.id).sort()).toEqual(
      (sameMonth ? [v.body.id, late.body.id] : [v.body.id]).sort(),
    );
    expect(lateMonth.body.map((x: any) => x.id).sort()).toEqual(
      (sameMonth ? [v.body.id, late.body.id] : [late.body.id]).sort(),
    );
    const overdue = await t.call(manager, 'GET', '/api/visits?view=overdue');
    expect(overdue.body.map((x: any) => x.id)).toEqual([late.body.id]);

    const ci = await t.call(manager, 'POST', `/api/visits/${v.body.id}/check-in`, {
      lat: 39.9219,
      lng: 116.4436,
      accuracy: 25,
    });
    expect(ci.body).toMatchObject({
      status: 'checked_in',
      checkInLocation: { lat: 39.9219, lng: 116.4436, accuracy: 25 },
    });
    expect((await t.call(manager, 'POST', `/api/visits/${v.body.id}/check-in`, {})).body.error.code).toBe(
      'VISIT_NOT_PLANNED',
    );

    const done = await t.call(manager, 'POST', `/api/visits/${v.body.id}/complete`, {
      findings: '客户有意增加期权交易，需安排期权知识培训',
      followUps: [{ title: '安排期权交易培训', dueAt: '2026-12-01T10:00:00+08:00' }],
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
    expect(done.body.followUpTaskIds).toHaveLength(1);
    const task = await t.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', done.body.followUpTaskIds[0])
      .executeTakeFirstOrThrow();
    expect(task).toMatchObject({
      source_kind: 'visit',
      source_id: v.body.id,
      customer_id: c1,
      kind: 'follow_up',
    });
    const inter = await t.db
      .selectFrom('interactions')
      .selectAll()
      .where('id', '=', done.body.interactionId)
      .executeTakeFirstOrThrow();
    expect(inter).toMatchObject({ channel: 'visit', customer_id: c1, source: 'system' });
    expect(inter.summary).toContain('期权');
    // Shown on the customer's timeline.
    const tl = await t.call(manager, 'GET', `/api/customers/${c1}/interactions`);
    expect(tl.body.items.map((x: any) => x.channel)).toContain('visit');

    const stats = await t.call(manager, 'GET', `/api/visits/stats?from=${dayInShanghai(-29)}&to=${today()}`);
    expect(stats.body).toEqual([expect.objectContaining({ total: 2, done: 1, overdue: 1, cancelled: 0 })]);

    // Another branch does not see them.
    const sh = await t.login('sh_manager');
    expect((await t.call(sh, 'GET', `/api/visits/${v.body.id}`)).status).toBe(404);
    expect((await t.call(sh, 'GET', '/api/visits?view=all')).body).toEqual([]);
    expect((await t.call(sh, 'POST', `/api/visits/${late.body.id}/cancel`, {})).status).toBe(404);
  });

  it('lists by manager, status and planned range, so each count per manager leads to its visits', async () => {
    const [c1, c2] = await insertCustomers(t, 2);
    const admin = await t.login('admin');
    const mine = await t.call(manager, 'POST', '/api/visits', {
      customerId: c1,
      purpose: '范围内',
      plannedDate: dayInShanghai(-3),
    });
    const outside = await t.call(manager, 'POST', '/api/visits', {
      customerId: c1,
      purpose: '范围外',
      plannedDate: dayInShanghai(-20),
    });
    const otherId = (
      await t.db.selectFrom('users').select('id').where('username', '=', 'agent').executeTakeFirstOrThrow()
    ).id;
    const other = await t.call(admin, 'POST', '/api/visits', {
      customerId: c2,
      purpose: '别人的',
      plannedDate: dayInShanghai(-2),
      managerId: otherId,
    });
    expect(other.status).toBe(201);
    await t.call(manager, 'POST', `/api/visits/${mine.body.id}/cancel`, { reason: '客户出差' });
    const from = dayInShanghai(-7);
    const to = today();
    const ids = async (qs: string) =>
      ((await t.call(manager, 'GET', `/api/visits?${qs}`)).body as any[]).map((x) => x.id).sort();
    const me = mine.body.managerId;
    expect(await ids(`view=all&managerId=${me}&from=${from}&to=${to}`)).toContain(mine.body.id);
    expect(await ids(`view=all&managerId=${me}&from=${from}&to=${to}`)).not.toContain(outside.body.id);
    expect(await ids(`view=all&managerId=${me}&from=${from}&to=${to}`)).not.toContain(other.body.id);
    expect(await ids(`view=all&status=cancelled&from=${from}&to=${to}`)).toEqual([mine.body.id]);
    expect(await ids(`view=overdue&managerId=${otherId}&from=${from}&to=${to}`)).toEqual([other.body.id]);
    // The same numbers as the counts.
    const stats = (await t.call(manager, 'GET', `/api/visits/stats?from=${from}&to=${to}`)).body as any[];
    const row = stats.find((r) => r.managerId === otherId);
    expect(row).toMatchObject({ total: 1, overdue: 1 });
    const bad = await t.call(manager, 'GET', `/api/visits?from=${to}&to=${from}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('to');
    expect((await t.call(manager, 'GET', '/api/visits?status=lost')).status).toBe(400);
  });
});
