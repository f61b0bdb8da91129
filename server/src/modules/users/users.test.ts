import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ensureRole, ensureUser, tableChecksum, userId } from '../../test/fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('setting a password for someone else', () => {
  it('is refused over a user who holds permissions the administrator does not', async () => {
    // A user administrator of BJ01 without customer.pii must not take over the supervisor's account.
    await ensureRole(t, 'bj_user_admin', ['admin.users']);
    await ensureUser(t, 'bj_useradmin', { branch: 'BJ01', roles: ['bj_user_admin'] });
    const cookie = await t.login('bj_useradmin');
    const before = await tableChecksum(t, 'users');
    const res = await t.call(cookie, 'POST', `/api/users/${await userId(t, 'supervisor')}/password`, {
      password: 'Taken-0ver-2026',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('customer.pii');
    expect(await tableChecksum(t, 'users')).toBe(before);
    // … but works for a user with no more power.
    await ensureUser(t, 'bj_plain', { branch: 'BJ01' });
    const ok = await t.call(cookie, 'POST', `/api/users/${await userId(t, 'bj_plain')}/password`, {
      password: 'New-Passw0rd-2026',
    });
    expect(ok.status).toBe(200);
  });
});
