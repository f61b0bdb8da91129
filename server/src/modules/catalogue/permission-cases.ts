// Who may call the service catalogue routes (the permission table, see test/permission-table.ts): the catalogue
// is readable by everyone signed in; service.manage changes it and runs the scheduler; entitlements need
// customer.read; the fulfilment report report.read (or service.manage).
import { sql } from 'kysely';
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

const newItem = async (t: TestApp) =>
  t.db
    .insertInto('service_items')
    .values({ code: uniq('I'), name: 'Item', channel: 'phone', frequency: 'monthly' })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
const newPackage = async (t: TestApp) =>
  t.db
    .insertInto('service_packages')
    .values({ code: uniq('P'), name: 'Package', kind: 'basic' })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
const bjCustomer = async (t: TestApp) =>
  Number(
    (
      await sql<{ id: number }>`insert into customers (code, kind, name, status, branch_id)
        values (${uniq('C').toUpperCase()}, 'individual', '权限客户', 'active', ${await branchId(t, 'BJ01')})
        returning id`.execute(t.db)
    ).rows[0].id,
  );

addCases([
  { route: 'GET /api/service-items', allowed: 'everyone' },
  {
    route: 'POST /api/service-items',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/service-items',
      body: { code: uniq('I'), name: 'Daily statement', channel: 'email', frequency: 'daily' },
    }),
  },
  {
    route: 'PATCH /api/service-items/:id',
    allowed: ['admin'],
    request: async (t) => {
      const i = await newItem(t);
      return { url: `/api/service-items/${i.id}`, body: { name: 'Renamed', version: i.version } };
    },
  },
  { route: 'GET /api/service-packages', allowed: 'everyone' },
  {
    route: 'GET /api/service-packages/:id',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/service-packages/${(await newPackage(t)).id}` }),
  },
  {
    route: 'POST /api/service-packages',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/service-packages',
      body: { code: uniq('P'), name: 'Care', kind: 'care', tiers: ['散户'] },
    }),
    tables: ['service_package_items', 'package_bindings'],
  },
  {
    route: 'PATCH /api/service-packages/:id',
    allowed: ['admin'],
    request: async (t) => {
      const p = await newPackage(t);
      return { url: `/api/service-packages/${p.id}`, body: { tiers: ['VIP'], version: p.version } };
    },
    tables: ['service_package_items', 'package_bindings'],
  },
  {
    route: 'GET /api/customers/:id/entitlements',
    allowed: ['admin', 'supervisor', 'agent', 'account_manager', 'branch_manager', 'compliance', 'readonly'],
    request: async (t) => ({ url: `/api/customers/${await bjCustomer(t)}/entitlements` }),
  },
  {
    route: 'POST /api/service-schedule/run',
    allowed: ['admin'],
    request: async () => ({ url: '/api/service-schedule/run', body: {} }),
    tables: ['tasks', 'service_fulfilments'],
  },
  {
    route: 'GET /api/service-reports/fulfilment',
    allowed: ['admin', 'supervisor', 'branch_manager', 'compliance', 'readonly'],
  },
]);
