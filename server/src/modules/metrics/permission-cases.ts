// Who may call the customer metrics routes (the permission table, see test/permission-table.ts): writing figures
// is an import (customer.import); reading a customer's figures needs customer.read.
import { sql } from 'kysely';
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

const bjCustomer = async (t: TestApp) =>
  (
    await sql<{ id: number; code: string }>`insert into customers (code, kind, name, status, branch_id)
      values (${uniq('M').toUpperCase()}, 'individual', '指标客户', 'active', ${await branchId(t, 'BJ01')})
      returning id, code`.execute(t.db)
  ).rows[0];

addCases([
  {
    route: 'PUT /api/metrics',
    allowed: ['admin', 'supervisor'],
    request: async (t) => ({
      url: '/api/metrics',
      body: { rows: [{ customerCode: (await bjCustomer(t)).code, period: '2026-10', assets: 1000 }] },
    }),
    tables: ['customer_metrics', 'customer_metrics_current'],
  },
  {
    route: 'POST /api/metrics/import',
    allowed: ['admin', 'supervisor'],
    request: async (t) => ({
      url: '/api/metrics/import',
      file: {
        name: 'metrics.csv',
        type: 'text/csv',
        content: `客户代码,期间,资产,交易天数\r\n${(await bjCustomer(t)).code},2026-10,1000000,12\r\n`,
      },
    }),
    tables: ['customer_metrics', 'customer_metrics_current'],
  },
  {
    route: 'GET /api/customers/:id/metrics',
    allowed: ['admin', 'supervisor', 'agent', 'account_manager', 'branch_manager', 'compliance', 'readonly'],
    request: async (t) => ({ url: `/api/customers/${(await bjCustomer(t)).id}/metrics` }),
  },
]);
