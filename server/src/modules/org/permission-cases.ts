// Who may call the organisation routes (the permission table, see test/permission-table.ts). Reading branches,
// departments and teams is for everyone signed in (pickers need them, scoped to their branch); changing them needs
// admin.org, and creating a branch also the all-branch scope — only the administrator holds admin.org.
import { branchId, departmentId, teamOf, uniq } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

addCases([
  { route: 'GET /api/branches', allowed: 'everyone' },
  {
    route: 'GET /api/branches/:id',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/branches/${await branchId(t, 'BJ01')}` }),
  },
  {
    route: 'POST /api/branches',
    allowed: ['admin'],
    request: async () => ({ url: '/api/branches', body: { code: uniq('B'), name: 'Test branch' } }),
  },
  {
    route: 'PATCH /api/branches/:id',
    allowed: ['admin'],
    request: async (t) => ({
      url: `/api/branches/${await branchId(t, 'BJ01')}`,
      body: { phone: '010-65000000' },
    }),
  },
  { route: 'GET /api/departments', allowed: 'everyone' },
  {
    route: 'POST /api/departments',
    allowed: ['admin'],
    request: async (t) => ({
      url: '/api/departments',
      body: { code: uniq('D'), name: 'Test department', kind: 'other', branchId: await branchId(t, 'BJ01') },
    }),
  },
  {
    route: 'PATCH /api/departments/:id',
    allowed: ['admin'],
    request: async (t) => ({
      url: `/api/departments/${await departmentId(t, 'CS')}`,
      body: { name: '客服部' },
    }),
  },
  { route: 'GET /api/teams', allowed: 'everyone' },
  {
    route: 'POST /api/teams',
    allowed: ['admin'],
    request: async (t) => ({
      url: '/api/teams',
      body: {
        name: uniq('team'),
        branchId: await branchId(t, 'BJ01'),
        departmentId: await departmentId(t, 'CS'),
      },
    }),
  },
  {
    route: 'PATCH /api/teams/:id',
    allowed: ['admin'],
    request: async (t) => ({ url: `/api/teams/${await teamOf(t, 'BJ01')}`, body: { active: true } }),
  },
]);
