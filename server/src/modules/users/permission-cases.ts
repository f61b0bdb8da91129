// Who may call the staff account routes (the permission table, see test/permission-table.ts): administering
// accounts needs admin.users (administrator only); the light staff picker is for everyone signed in.
import { branchId, departmentId, ensureUser, uniq } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

const target = (t: Parameters<typeof ensureUser>[0]) => ensureUser(t, 'perm_target', { roles: ['readonly'] });

addCases([
  { route: 'GET /api/users', allowed: ['admin'] },
  { route: 'GET /api/users/options', allowed: 'everyone' },
  {
    route: 'GET /api/users/:id',
    allowed: ['admin'],
    request: async (t) => ({ url: `/api/users/${await target(t)}` }),
  },
  {
    route: 'POST /api/users',
    allowed: ['admin'],
    request: async (t) => ({
      url: '/api/users',
      body: {
        username: uniq('u'),
        displayName: 'New colleague',
        branchId: await branchId(t, 'BJ01'),
        departmentId: await departmentId(t, 'CS'),
        roles: ['readonly'],
        password: 'Passw0rd-new',
      },
    }),
    tables: ['user_roles'],
  },
  {
    route: 'PATCH /api/users/:id',
    allowed: ['admin'],
    request: async (t) => {
      const id = await target(t);
      const { version } = await t.db
        .selectFrom('users')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { url: `/api/users/${id}`, body: { displayName: 'Permission target', version } };
    },
    tables: ['user_roles'],
  },
  {
    route: 'POST /api/users/:id/password',
    allowed: ['admin'],
    request: async (t) => ({
      url: `/api/users/${await target(t)}/password`,
      body: { password: 'Passw0rd-new' },
    }),
    // not 'sessions': every signed-in call may slide its own session's expiry
  },
  {
    route: 'POST /api/users/:id/unlock',
    allowed: ['admin'],
    request: async (t) => ({ url: `/api/users/${await target(t)}/unlock` }),
  },
]);
