// Who may call the sign-in and own-profile routes (the permission table, see test/permission-table.ts).
import { DEMO_PASSWORD } from '../../demo/foundation.ts';
import { addCases } from '../../test/permission-table.ts';

addCases([
  {
    route: 'POST /api/auth/login',
    allowed: 'public',
    request: async () => ({ url: '/api/auth/login', body: { username: 'viewer', password: DEMO_PASSWORD } }),
    tables: ['sessions'],
  },
  { route: 'POST /api/auth/logout', allowed: 'public' },
  { route: 'GET /api/me', allowed: 'everyone' },
  {
    route: 'PATCH /api/me',
    allowed: 'everyone',
    request: async () => ({ url: '/api/me', body: { locale: 'zh-CN' } }),
    tables: ['users'],
  },
  {
    // Sets the same password again, so the demo users keep theirs; the caller's own session stays.
    route: 'POST /api/me/password',
    allowed: 'everyone',
    request: async () => ({
      url: '/api/me/password',
      body: { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD },
    }),
    tables: ['users'],
  },
]);
