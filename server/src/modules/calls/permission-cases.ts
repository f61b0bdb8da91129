// Who may call the calling route (the permission table, see test/permission-table.ts): customer.dial — agents,
// supervisors, account managers, department staff and the administrator. Which number they get is then decided by
// the item they work (calls.test.ts); the row's request is a ticket the caller opened, with a contact phone.
import type { TestApp } from '../../test/app.ts';
import { addCases, type Caller, type RoleCode } from '../../test/permission-table.ts';

const DIAL: RoleCode[] = ['admin', 'supervisor', 'agent', 'account_manager', 'department_staff'];
const TICKET_WRITERS: RoleCode[] = ['admin', 'supervisor', 'agent', 'account_manager', 'department_staff'];

/** A ticket the caller opened (the administrator's for a role that cannot open one). */
async function ownTicket(t: TestApp, caller: Caller) {
  const who = caller && TICKET_WRITERS.includes(caller.role) ? caller.username : 'admin';
  const r = await t.call(await t.login(who), 'POST', '/api/tickets', {
    type: 'consultation',
    channel: 'phone_in',
    subject: '回电',
    contactName: '王先生',
    contactPhone: '13800001111',
  });
  if (r.status !== 200) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as number;
}

addCases([
  {
    route: 'POST /api/calls/reveal',
    allowed: DIAL,
    request: async (t, as) => ({
      url: '/api/calls/reveal',
      body: { purpose: 'ticket', ticketId: await ownTicket(t, as) },
    }),
  },
]);
