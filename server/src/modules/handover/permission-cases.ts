// Who may call the handover routes (the permission table, see test/permission-table.ts): handover.run
// (administrator, branch manager) to preview and run; the report also with report.read.
import { sql } from 'kysely';
import type { TestApp } from '../../test/app.ts';
import { branchId, ensureUser, uniq, userId } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

/** A Beijing manager with one customer, to hand over to the demo account manager. */
async function leaver(t: TestApp) {
  const from = await ensureUser(t, uniq('leaver'), { roles: ['account_manager'] });
  await sql`insert into customers (code, kind, name, status, branch_id, owner_id)
    values (${uniq('H').toUpperCase()}, 'individual', '交接客户', 'active', ${await branchId(t, 'BJ01')}, ${from})`.execute(
    t.db,
  );
  return { fromUserId: from, mode: 'one', toUserId: await userId(t, 'manager') };
}

/** A handover of the Beijing branch, already run. */
async function bjHandover(t: TestApp) {
  const body = await leaver(t);
  const res = await t.call(await t.login('branchmgr'), 'POST', '/api/handovers', body);
  return res.body.id as number;
}

const RUN = ['admin', 'branch_manager'] as const;
const READ = ['admin', 'supervisor', 'branch_manager', 'compliance', 'readonly'] as const;

addCases([
  {
    route: 'POST /api/handovers/preview',
    allowed: [...RUN],
    request: async (t) => ({ url: '/api/handovers/preview', body: await leaver(t) }),
  },
  {
    route: 'POST /api/handovers',
    allowed: [...RUN],
    request: async (t) => ({ url: '/api/handovers', body: await leaver(t) }),
    tables: ['handover_items', 'customers', 'tasks', 'customer_history'],
  },
  { route: 'GET /api/handovers', allowed: [...READ] },
  {
    route: 'GET /api/handovers/:id',
    allowed: [...READ],
    request: async (t) => ({ url: `/api/handovers/${await bjHandover(t)}` }),
  },
  {
    route: 'GET /api/handovers/:id/customers',
    allowed: [...READ],
    request: async (t) => ({ url: `/api/handovers/${await bjHandover(t)}/customers` }),
  },
  {
    route: 'GET /api/managers/:id/portfolio',
    allowed: ['admin', 'supervisor', 'agent', 'account_manager', 'branch_manager', 'compliance', 'readonly'],
    request: async (t) => ({ url: `/api/managers/${await userId(t, 'manager')}/portfolio` }),
  },
  {
    route: 'PUT /api/customers/:id/key-customer',
    allowed: ['admin', 'supervisor', 'agent', 'account_manager'],
    request: async (t) => {
      const r = await sql<{ id: number }>`insert into customers (code, kind, name, status, branch_id)
        values (${uniq('K').toUpperCase()}, 'individual', '重点客户', 'active', ${await branchId(t, 'BJ01')})
        returning id`.execute(t.db);
      return { url: `/api/customers/${r.rows[0].id}/key-customer`, body: { keyCustomer: true } };
    },
    tables: ['customers', 'customer_history'],
  },
]);
