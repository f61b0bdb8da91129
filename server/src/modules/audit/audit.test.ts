// The audit list names what people read instead of ids: the actor's name, a ticket's number, the customer's code
// and name (of a customer row or of a ticket row's customer), a user row's name — in the same one query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { makeCustomer, setupDesk } from '../tickets/fixtures.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  await setupDesk(t);
});
afterAll(async () => t?.close());

describe('audit list', () => {
  it('gives the ticket number, the customer code and name and the actor name of a ticket change', async () => {
    const customerId = await makeCustomer(t, 2, { name: '赵老师' });
    const { code } = await t.db
      .selectFrom('customers')
      .select('code')
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow();
    const agent = await t.login('agent');
    const tk = await t.call(agent, 'POST', '/api/tickets', {
      type: 'consultation',
      channel: 'phone_in',
      subject: '咨询保证金',
      customerId,
    });
    expect(tk.status, JSON.stringify(tk.body)).toBe(200);
    const upd = await t.call(agent, 'PATCH', `/api/tickets/${tk.body.id}`, {
      version: tk.body.version,
      priority: 'high',
    });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    const { display_name } = await t.db
      .selectFrom('users')
      .select('display_name')
      .where('username', '=', 'agent')
      .executeTakeFirstOrThrow();

    const log = await t.call(admin, 'GET', `/api/audit?entity=ticket&entityId=${tk.body.id}`);
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.items.map((r: any) => r.action)).toEqual(['ticket.update', 'ticket.create']);
    for (const r of log.body.items)
      expect(r).toMatchObject({
        actorName: 'agent',
        actorDisplayName: display_name,
        ticketNumber: tk.body.number,
        customerId,
        customerCode: code,
        customerName: '赵老师',
        userDisplayName: null,
      });
    expect(log.body.items[0].before).toMatchObject({ priority: 'normal' });
    expect(log.body.items[0].after).toMatchObject({ priority: 'high' });
  });

  it("names a customer row's customer and a user row's user; other rows and odd ids have none", async () => {
    const customerId = await makeCustomer(t, 2, { name: '钱女士' });
    await t.db
      .insertInto('audit_log')
      .values([
        { action: 'customer.updated', entity: 'customer', entity_id: String(customerId), branch_id: 2 },
        { action: 'ticket.update', entity: 'ticket', entity_id: 'not-a-number', branch_id: 2 },
        { action: 'ticket.update', entity: 'ticket', entity_id: '99999999999999999999', branch_id: 2 },
      ])
      .execute();
    const c = await t.call(admin, 'GET', `/api/audit?entity=customer&entityId=${customerId}`);
    expect(c.status).toBe(200);
    expect(c.body.items[0]).toMatchObject({ customerName: '钱女士', ticketNumber: null, actorName: null });
    expect(c.body.items[0].customerCode).toMatch(/^C/);
    const odd = await t.call(admin, 'GET', '/api/audit?entity=ticket&limit=200');
    expect(odd.status).toBe(200);
    for (const r of odd.body.items.filter((x: any) => !/^\d{1,18}$/.test(x.entityId)))
      expect(r).toMatchObject({ ticketNumber: null, customerCode: null });

    const sup = await t.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('username', '=', 'supervisor')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('audit_log')
      .values({ action: 'user.updated', entity: 'user', entity_id: String(sup.id) })
      .execute();
    const u = await t.call(admin, 'GET', `/api/audit?entity=user&entityId=${sup.id}`);
    expect(u.body.items[0]).toMatchObject({ userDisplayName: sup.display_name, customerCode: null });
  });
});
