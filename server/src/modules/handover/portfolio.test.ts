import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ensureUser, userId } from '../../test/fixtures.ts';
import { recordInteraction } from '../customers/index.ts';
import { insertCustomers } from '../tasks/fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('account manager portfolio', () => {
  it("shows a manager's customers by tier, key customers, contact age, tasks and open tickets", async () => {
    await ensureUser(t, 'pf_mgr', { roles: ['account_manager'] });
    const id = await userId(t, 'pf_mgr');
    const vip = await insertCustomers(t, 2, { owner: 'pf_mgr', tier: 'VIP' });
    const retail = await insertCustomers(t, 3, { owner: 'pf_mgr', tier: '散户' });
    await insertCustomers(t, 1, { owner: 'pf_mgr', branch: 'SH01', tier: 'VIP' });
    // Contacts 100 and 2 days ago, recorded the way every module records one.
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000);
    await recordInteraction(t, {
      customerId: retail[0],
      channel: 'phone_out',
      occurredAt: ago(100),
      summary: '回访',
    });
    await recordInteraction(t, {
      customerId: vip[0],
      channel: 'phone_out',
      occurredAt: ago(2),
      summary: '回访',
    });
    await t.db
      .insertInto('tasks')
      .values([
        {
          title: 'a',
          branch_id: 2,
          assignee_id: id,
          customer_id: vip[0],
          due_at: new Date(Date.now() - 3600_000),
        },
        {
          title: 'b',
          branch_id: 2,
          assignee_id: id,
          customer_id: vip[1],
          due_at: new Date(Date.now() + 30 * 86400_000),
        },
      ])
      .execute();
    await sql`insert into tickets (branch_id, type, channel, customer_id, subject, first_contact_owner_id, status)
      values (2, 'complaint', 'phone_in', ${retail[1]}, '投诉', ${id}, 'open')`.execute(t.db);

    const sup = await t.login('supervisor');
    const key = await t.call(sup, 'PUT', `/api/customers/${retail[2]}/key-customer`, { keyCustomer: true });
    expect(key.status, JSON.stringify(key.body)).toBe(200);
    const hist = await t.db
      .selectFrom('customer_history')
      .selectAll()
      .where('customer_id', '=', retail[2])
      .where('field', '=', 'keyCustomer')
      .execute();
    expect(hist).toHaveLength(1);

    const p = await t.call(sup, 'GET', `/api/managers/${id}/portfolio`);
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.customers).toEqual({
      total: 5, // the Shanghai customer is outside the supervisor's branch
      keyCustomers: 1,
      byTier: [
        { tier: '散户', customers: 3 },
        { tier: 'VIP', customers: 2 },
      ],
    });
    expect(p.body.lastContact).toMatchObject({ never: 3, over30Days: 1, over90Days: 1 });
    expect(p.body.tasks).toMatchObject({ open: 2, overdue: 1 });
    expect(p.body.openTickets).toBe(1);
    expect(p.body.attention[0]).toMatchObject({ id: retail[2], keyCustomer: true });
    // Segments can pick key customers.
    const c = await t.call(sup, 'POST', '/api/segments/count', {
      rule: { op: 'and', rules: [{ field: 'keyCustomer', op: 'eq', value: true }] },
    });
    expect(c.body.value).toBe(1);
    // Another branch's manager is not found; the administrator sees all six customers.
    const shm = await t.login('sh_agent');
    expect((await t.call(shm, 'GET', `/api/managers/${id}/portfolio`)).status).toBe(404);
    const all = await t.call(await t.login('admin'), 'GET', `/api/managers/${id}/portfolio`);
    expect(all.body.customers.total).toBe(6);
  });
});
