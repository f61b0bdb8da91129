// Who may call the value tier routes (the permission table, see test/permission-table.ts): the configuration is
// readable with customer.read; changing it and recomputing need tier.manage (administrator); the Pareto curve
// report.read or tier.manage; tier changes customer.read.
import { addCases } from '../../test/permission-table.ts';

const CUSTOMER_READ = [
  'admin',
  'supervisor',
  'agent',
  'account_manager',
  'branch_manager',
  'compliance',
  'readonly',
] as const;

addCases([
  { route: 'GET /api/tiers', allowed: [...CUSTOMER_READ] },
  {
    route: 'PUT /api/tiers',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/tiers',
      body: {
        basis: 'customers',
        metric: 'revenue_12m',
        tiers: [
          { code: 'VIP', name: 'VIP', cutoff: 0.2 },
          { code: '散户', name: '散户', cutoff: 1 },
        ],
      },
    }),
    tables: ['value_tiers', 'tier_settings'],
  },
  { route: 'POST /api/tiers/recompute', allowed: ['admin'], tables: ['tier_runs', 'customer_tier_changes'] },
  {
    route: 'GET /api/tiers/pareto',
    allowed: ['admin', 'supervisor', 'branch_manager', 'compliance', 'readonly'],
  },
  { route: 'GET /api/tiers/changes', allowed: [...CUSTOMER_READ] },
]);
