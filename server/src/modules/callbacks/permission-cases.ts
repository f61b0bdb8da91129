// Who may call the regulatory callback routes (the permission table, see test/permission-table.ts): callback.read
// to see (compliance included, all branches), callback.write to generate, draw and record results, admin.settings
// to add rules.
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq } from '../../test/fixtures.ts';
import { addCases, type RoleCode } from '../../test/permission-table.ts';

const READ: RoleCode[] = ['admin', 'supervisor', 'agent', 'branch_manager', 'compliance'];
const WRITE: RoleCode[] = ['admin', 'supervisor', 'agent'];

export async function callbackRule(t: TestApp, kind: 'new_account' | 'yearly_sample' = 'new_account') {
  const r = await t.db
    .insertInto('callback_rules')
    .values({
      name: uniq('rule'),
      kind,
      deadline_amount: 3,
      deadline_unit: 'working_days',
      sample_share: kind === 'yearly_sample' ? 0.1 : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** An open callback of a customer of `branch`. */
export async function regulatoryCallback(t: TestApp, branch = 'BJ01') {
  const b = await branchId(t, branch);
  const c = await t.db
    .insertInto('customers')
    .values({ code: uniq('CB'), kind: 'individual', name: '回访', status: 'active', branch_id: b })
    .returning('id')
    .executeTakeFirstOrThrow();
  const r = await t.db
    .insertInto('regulatory_callbacks')
    .values({
      rule_id: await callbackRule(t),
      kind: 'new_account',
      customer_id: c.id,
      branch_id: b,
      due_at: new Date(Date.now() + 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

addCases([
  { route: 'GET /api/callbacks/rules', allowed: READ },
  {
    route: 'POST /api/callbacks/rules',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/callbacks/rules',
      body: { name: '证券新开户回访', kind: 'new_account', deadlineAmount: 1, deadlineUnit: 'months' },
    }),
    tables: ['callback_rules'],
  },
  {
    route: 'POST /api/callbacks/rules/:id/generate',
    allowed: WRITE,
    request: async (t) => ({ url: `/api/callbacks/rules/${await callbackRule(t)}/generate` }),
    tables: ['regulatory_callbacks', 'tasks'],
  },
  {
    route: 'GET /api/callbacks/rules/:id/sample',
    allowed: READ,
    request: async (t) => ({
      url: `/api/callbacks/rules/${await callbackRule(t, 'yearly_sample')}/sample?year=2026&seed=s`,
    }),
  },
  {
    route: 'POST /api/callbacks/rules/:id/draw',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/callbacks/rules/${await callbackRule(t, 'yearly_sample')}/draw`,
      body: { year: 2026, seed: 's' },
    }),
    tables: ['regulatory_callbacks', 'tasks'],
  },
  { route: 'GET /api/callbacks', allowed: READ },
  { route: 'GET /api/callbacks/report', allowed: READ },
  {
    route: 'GET /api/callbacks/:id',
    allowed: READ,
    request: async (t) => ({ url: `/api/callbacks/${await regulatoryCallback(t)}` }),
  },
  {
    route: 'POST /api/callbacks/:id/result',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/callbacks/${await regulatoryCallback(t)}/result`,
      body: { reached: false, notes: '无人接听' },
    }),
    tables: ['regulatory_callbacks', 'tasks', 'interactions'],
  },
]);
