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

describe('a user administrator cannot act on a more privileged user', () => {
  const snapshot = async () =>
    Promise.all(['users', 'user_roles', 'sessions', 'audit_log'].map((x) => tableChecksum(t, x)));

  it('cannot edit, disable, re-email, unlock or re-role the supervisor, and the denied write changes nothing', async () => {
    await ensureRole(t, 'bj_user_admin', ['admin.users']);
    await ensureUser(t, 'bj_useradmin', { branch: 'BJ01', roles: ['bj_user_admin'] });
    const cookie = await t.login('bj_useradmin');
    await t.login('supervisor'); // a live session the refused disable must not end
    const sup = await userId(t, 'supervisor');
    const { version } = await t.db
      .selectFrom('users')
      .select('version')
      .where('id', '=', sup)
      .executeTakeFirstOrThrow();
    const attempts: [string, string, unknown][] = [
      ['PATCH', `/api/users/${sup}`, { status: 'disabled', version }],
      ['PATCH', `/api/users/${sup}`, { email: 'attacker@example.com', version }],
      ['PATCH', `/api/users/${sup}`, { displayName: 'Renamed', version }],
      ['PATCH', `/api/users/${sup}`, { roles: [], version }],
      ['POST', `/api/users/${sup}/unlock`, undefined],
      ['POST', `/api/users/${sup}/password`, { password: 'Taken-0ver-2026' }],
    ];
    for (const [method, url, body] of attempts) {
      const before = await snapshot();
      const res = await t.call(cookie, method, url, body);
      expect(res.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(await snapshot()).toEqual(before);
    }
    const after = await t.db
      .selectFrom('users')
      .select(['status', 'email', 'display_name', 'version'])
      .where('id', '=', sup)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('active');
    expect(after.version).toBe(version);
  });

  it('can grant only roles whose permissions it holds, and still manages users with no more power', async () => {
    const cookie = await t.login('bj_useradmin');
    const plain = await ensureUser(t, 'bj_plain2', { branch: 'BJ01' });
    const v = async () =>
      (await t.db.selectFrom('users').select('version').where('id', '=', plain).executeTakeFirstOrThrow())
        .version;
    const grant = await t.call(cookie, 'PATCH', `/api/users/${plain}`, {
      roles: ['agent'],
      version: await v(),
    });
    expect(grant.status).toBe(403);
    expect(
      await t.db.selectFrom('user_roles').select('role_id').where('user_id', '=', plain).execute(),
    ).toHaveLength(0);
    const same = await t.call(cookie, 'PATCH', `/api/users/${plain}`, {
      roles: ['bj_user_admin'],
      email: 'plain@example.com',
      version: await v(),
    });
    expect(same.status).toBe(200);
    expect(same.body.roles).toEqual(['bj_user_admin']);
    const dis = await t.call(cookie, 'PATCH', `/api/users/${plain}`, {
      status: 'disabled',
      version: await v(),
    });
    expect(dis.status).toBe(200);
    expect(dis.body.status).toBe('disabled');
  });

  it('a role administrator cannot reshape or delete a role carrying permissions it lacks', async () => {
    await ensureRole(t, 'role_admin_only', ['admin.roles']);
    await ensureRole(t, 'pii_role', ['customer.read', 'customer.pii']);
    await ensureUser(t, 'bj_roleadmin', { branch: 'BJ01', roles: ['role_admin_only'] });
    const cookie = await t.login('bj_roleadmin');
    const piiRole = await ensureRole(t, 'pii_role', ['customer.read', 'customer.pii']);
    const before = await tableChecksum(t, 'roles');
    expect((await t.call(cookie, 'PATCH', `/api/roles/${piiRole}`, { permissions: [] })).status).toBe(403);
    expect((await t.call(cookie, 'PATCH', `/api/roles/${piiRole}`, { name: 'x' })).status).toBe(403);
    expect((await t.call(cookie, 'DELETE', `/api/roles/${piiRole}`)).status).toBe(403);
    expect(await tableChecksum(t, 'roles')).toBe(before);
  });
});
