import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('sign-in', () => {
  it('signs in, tells who I am, and signs out', async () => {
    const cookie = await t.login('agent');
    const me = await t.call(cookie, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('agent');
    expect(me.body.roles).toEqual(['agent']);
    expect(me.body.permissions).toContain('ticket.write');
    expect(me.body.permissions).not.toContain('customer.pii');
    await t.call(cookie, 'POST', '/api/auth/logout');
    expect((await t.call(cookie, 'GET', '/api/me')).status).toBe(401);
  });

  it('sets an httpOnly, SameSite=Strict session cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: 'Kefu2026!' },
    });
    const c = res.cookies.find((x) => x.name === 'kefu_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
  });

  it('answers a wrong-typed body with 400 naming the field', async () => {
    const res = await t.call(null, 'POST', '/api/auth/login', { username: 42, password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('username');
  });

  it('locks the account after five wrong passwords and records it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await t.call(null, 'POST', '/api/auth/login', { username: 'agent2', password: 'wrong-password1' }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423, 423]);
    // Even the right password is refused while locked.
    const right = await t.call(null, 'POST', '/api/auth/login', {
      username: 'agent2',
      password: 'Kefu2026!',
    });
    expect(right.status).toBe(423);
    expect(right.body.error.code).toBe('ACCOUNT_LOCKED');
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity', '=', 'user')
      .where('action', 'like', 'auth.%')
      .where(sql`meta->>'username'`, '=', 'agent2')
      .orderBy('id')
      .execute();
    const actions = rows.map((r) => r.action);
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(5);
    expect(actions).toContain('auth.account_locked');
    expect(actions).toContain('auth.login_refused_locked');
    // An administrator lifts the lock.
    const admin = await t.login('admin');
    const u = await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'agent2')
      .executeTakeFirstOrThrow();
    expect((await t.call(admin, 'POST', `/api/users/${u.id}/unlock`)).status).toBe(200);
    expect(
      (await t.call(null, 'POST', '/api/auth/login', { username: 'agent2', password: 'Kefu2026!' })).status,
    ).toBe(200);
  });

  it('changes the own password, ending the other sessions', async () => {
    const a = await t.login('sz_agent');
    const b = await t.login('sz_agent', 'Kefu2026!'); // cached: same session
    const other = (
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'sz_agent', password: 'Kefu2026!' },
      })
    ).cookies[0];
    const weak = await t.call(a, 'POST', '/api/me/password', {
      currentPassword: 'Kefu2026!',
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields.newPassword).toBe('PASSWORD_TOO_SHORT');
    const ok = await t.call(a, 'POST', '/api/me/password', {
      currentPassword: 'Kefu2026!',
      newPassword: 'NewPassw0rd',
    });
    expect(ok.status).toBe(200);
    expect((await t.call(b, 'GET', '/api/me')).status).toBe(200);
    expect((await t.call(`kefu_session=${other.value}`, 'GET', '/api/me')).status).toBe(401);
    expect(
      (await t.call(null, 'POST', '/api/auth/login', { username: 'sz_agent', password: 'NewPassw0rd' }))
        .status,
    ).toBe(200);
  });

  it('remembers the interface language per user', async () => {
    const c = await t.login('manager');
    const res = await t.call(c, 'PATCH', '/api/me', { locale: 'zh-TW' });
    expect(res.body.locale).toBe('zh-TW');
    expect((await t.call(c, 'GET', '/api/me')).body.locale).toBe('zh-TW');
    expect((await t.call(c, 'PATCH', '/api/me', { locale: 'fr' })).status).toBe(400);
  });

  it('expires sessions and the clean-up job removes them', async () => {
    const c = await t.login('viewer');
    await t.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect((await t.call(c, 'GET', '/api/me')).status).toBe(401);
    const { purgeExpiredSessions } = await import('./jobs.ts');
    expect(await purgeExpiredSessions(t.db)).toBeGreaterThan(0);
    expect((await t.db.selectFrom('sessions').select('id').execute()).length).toBe(0);
  });
});
