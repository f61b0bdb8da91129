// Who may call the role routes (the permission table, see test/permission-table.ts): the catalogue and role
// changes need admin.roles; the role list also serves user administrators (admin.users). Administrator only.
import { ensureRole, uniq } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

addCases([
  { route: 'GET /api/permissions', allowed: ['admin'] },
  { route: 'GET /api/roles', allowed: ['admin'] },
  {
    route: 'POST /api/roles',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/roles',
      body: { code: uniq('r'), name: 'Test role', permissions: ['kb.read'] },
    }),
  },
  {
    route: 'PATCH /api/roles/:id',
    allowed: ['admin'],
    request: async (t) => ({
      url: `/api/roles/${await ensureRole(t, 'perm_fixture', ['kb.read'])}`,
      body: { name: 'Fixture role' },
    }),
  },
  {
    // A fresh role for every call, since an allowed call deletes it.
    route: 'DELETE /api/roles/:id',
    allowed: ['admin'],
    request: async (t) => ({ url: `/api/roles/${await ensureRole(t, uniq('del'), ['kb.read'])}` }),
  },
]);
