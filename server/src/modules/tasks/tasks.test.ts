import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { departmentId, userId } from '../../test/fixtures.ts';
import { insertCustomers } from './fixtures.ts';

let t: TestApp;
let bj: number[];
let sh: number[];
beforeAll(async () => {
  t = await createTestApp();
  bj = await insertCustomers(t, 3, { owner: 'manager' });
  sh = await insertCustomers(t, 1, { branch: 'SH01', owner: 'sh_manager' });
});
afterAll(async () => t?.close());

const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

describe('tasks', () => {
  it('creates a task for me by default, lists it in my views and completes it with an outcome', async () => {
    const m = await t.login('manager');
    const overdue = await t.call(m, 'POST', '/api/tasks', {
      title: '回访客户',
      kind: 'call',
      customerId: bj[0],
      dueAt: inHours(-2),
    });
    expect(overdue.status, JSON.stringify(overdue.body)).toBe(200);
    expect(overdue.body).toMatchObject({
      assigneeId: await userId(t, 'manager'),
      branchId: 2,
      status: 'open',
      overdue: true,
      customerName: '客户1',
    });
    const later = await t.call(m, 'POST', '/api/tasks', { title: '年度拜访', dueAt: inHours(24 * 30) });
    expect(later.status).toBe(200);

    const mine = await t.call(m, 'GET', '/api/tasks?view=mine');
    expect(mine.body.items.map((x: any) => x.id)).toEqual([overdue.body.id, later.body.id]);
    const od = await t.call(m, 'GET', '/api/tasks?view=overdue');
    expect(od.body.items.map((x: any) => x.id)).toEqual([overdue.body.id]);
    const week = await t.call(m, 'GET', '/api/tasks?view=week');
    expect(week.body.items.map((x: any) => x.id)).toContain(overdue.body.id);
    expect(week.body.items.map((x: any) => x.id)).not.toContain(later.body.id);
    const counts = await t.call(m, 'GET', '/api/tasks/counts');
    expect(counts.body).toMatchObject({ open: 2, overdue: 1 });

    const done = await t.call(m, 'POST', `/api/tasks/${overdue.body.id}/complete`, {
      outcome: '已联系，客户满意',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', outcome: '已联系，客户满意', overdue: false });
    expect(done.body.completedAt).toBeTruthy();
    const again = await t.call(m, 'POST', `/api/tasks/${overdue.body.id}/complete`, { outcome: 'x' });
    expect(again.status).toBe(409);
    expect((await t.call(m, 'GET', '/api/tasks?view=mine')).body.items.map((x: any) => x.id)).toEqual([
      later.body.id,
    ]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'task')
      .where('entity_id', '=', String(overdue.body.id))
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['task.completed', 'task.created']);
  });

  it("a department desk's task is in the 'mine' view of its members until someone takes it", async () => {
    const sup = await t.login('supervisor');
    const cs = await departmentId(t, 'CS');
    const r = await t.call(sup, 'POST', '/api/tasks', {
      title: '寄送研报',
      kind: 'delivery',
      departmentId: cs,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.assigneeId).toBeNull();
    const agent = await t.login('agent'); // CS department, BJ01
    const mine = await t.call(agent, 'GET', '/api/tasks?view=mine&limit=200');
    expect(mine.body.items.map((x: any) => x.id)).toContain(r.body.id);
    const took = await t.call(agent, 'PATCH', `/api/tasks/${r.body.id}`, {
      assigneeId: await userId(t, 'agent2'),
      version: r.body.version,
    });
    expect(took.status, JSON.stringify(took.body)).toBe(200);
    const after = await t.call(agent, 'GET', '/api/tasks?view=mine&limit=200');
    expect(after.body.items.map((x: any) => x.id)).not.toContain(r.body.id);
  });

  it('is branch-scoped: other branches’ tasks are not found, customers and assignees must be in scope', async () => {
    const m = await t.login('manager');
    const shm = await t.login('sh_manager');
    const bjTask = await t.call(m, 'POST', '/api/tasks', { title: '北京任务', customerId: bj[1] });
    expect((await t.call(shm, 'GET', `/api/tasks/${bjTask.body.id}`)).status).toBe(404);
    expect((await t.call(shm, 'POST', `/api/tasks/${bjTask.body.id}/complete`, {})).status).toBe(404);
    const all = await t.call(shm, 'GET', '/api/tasks?view=all&limit=200');
    expect(all.body.items.every((x: any) => x.branchId === 3)).toBe(true);
    const foreignCustomer = await t.call(shm, 'POST', '/api/tasks', { title: 'x', customerId: bj[2] });
    expect(foreignCustomer.status).toBe(400);
    expect(foreignCustomer.body.error.code).toBe('CUSTOMER_NOT_FOUND');
    const foreignAssignee = await t.call(m, 'POST', '/api/tasks', {
      title: 'x',
      customerId: bj[2],
      assigneeId: await userId(t, 'sh_manager'),
    });
    expect(foreignAssignee.status).toBe(400);
    expect(foreignAssignee.body.error.code).toBe('ASSIGNEE_INVALID');
    const own = await t.call(shm, 'POST', '/api/tasks', { title: '上海任务', customerId: sh[0] });
    expect(own.status).toBe(200);
    expect(own.body.branchId).toBe(3);
    // The administrator (all branches) sees both.
    const adminAll = await t.call(await t.login('admin'), 'GET', '/api/tasks?view=all&limit=200');
    const ids = adminAll.body.items.map((x: any) => x.id);
    expect(ids).toContain(bjTask.body.id);
    expect(ids).toContain(own.body.id);
  });

  it('rejects bad input with 400', async () => {
    const m = await t.login('manager');
    expect((await t.call(m, 'POST', '/api/tasks', { title: '' })).status).toBe(400);
    expect((await t.call(m, 'POST', '/api/tasks', { title: 'x', dueAt: 'tomorrow' })).status).toBe(400);
    expect((await t.call(m, 'GET', '/api/tasks?view=nope')).status).toBe(400);
  });
});
