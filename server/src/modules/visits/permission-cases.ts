// Who may call the visit routes (the permission table, see test/permission-table.ts): visit.read to see,
// visit.write (account managers, administrators) to plan, check in, complete and cancel.
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq, userId } from '../../test/fixtures.ts';
import { addCases, type RoleCode } from '../../test/permission-table.ts';

const READ: RoleCode[] = ['admin', 'supervisor', 'agent', 'account_manager', 'branch_manager'];
const WRITE: RoleCode[] = ['admin', 'account_manager'];

async function customer(t: TestApp, branch = 'BJ01') {
  const r = await t.db
    .insertInto('customers')
    .values({
      code: uniq('VC'),
      kind: 'individual',
      name: '走访',
      status: 'active',
      branch_id: await branchId(t, branch),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A planned visit of a customer of `branch`, by its manager. */
export async function plannedVisit(t: TestApp, branch = 'BJ01') {
  const r = await t.db
    .insertInto('visits')
    .values({
      customer_id: await customer(t, branch),
      branch_id: await branchId(t, branch),
      manager_id: await userId(t, branch === 'BJ01' ? 'manager' : 'sh_manager'),
      purpose: '走访',
      planned_date: '2026-11-20',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

addCases([
  { route: 'GET /api/visits', allowed: READ },
  {
    route: 'GET /api/visits/stats',
    allowed: READ,
    request: async () => ({ url: '/api/visits/stats?from=2026-11-01&to=2026-11-30' }),
  },
  {
    route: 'POST /api/visits',
    allowed: WRITE,
    request: async (t) => ({
      url: '/api/visits',
      body: { customerId: await customer(t), purpose: '走访', plannedDate: '2026-12-01' },
    }),
  },
  {
    route: 'GET /api/visits/:id',
    allowed: READ,
    request: async (t) => ({ url: `/api/visits/${await plannedVisit(t)}` }),
  },
  {
    route: 'POST /api/visits/:id/check-in',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/visits/${await plannedVisit(t)}/check-in`,
      body: { lat: 39.9, lng: 116.4 },
    }),
  },
  {
    route: 'POST /api/visits/:id/complete',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/visits/${await plannedVisit(t)}/complete`,
      body: { findings: '正常', followUps: [{ title: '寄送资料' }] },
    }),
    tables: ['interactions', 'tasks'],
  },
  {
    route: 'POST /api/visits/:id/cancel',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/visits/${await plannedVisit(t)}/cancel`,
      body: { reason: '客户出差' },
    }),
  },
]);
