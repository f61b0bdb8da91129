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
    // The lock is told only to someone who gives the right password: wrong ones all answer 401.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
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

describe('sign-in under concurrent guessing', () => {
  const login = (username: string, password: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
  const authRows = (username: string) =>
    t.db
      .selectFrom('audit_log')
      .select(['action', 'meta'])
      .where('entity', '=', 'user')
      .where('action', 'like', 'auth.%')
      .where(sql`meta->>'username'`, '=', username)
      .orderBy('id')
      .execute();

  it('20 parallel wrong passwords lock the account once, after the 5th, and the right one is then refused', async () => {
    const res = await Promise.all(Array.from({ length: 20 }, () => login('sh_manager', 'wrong-password1')));
    expect(res.map((r) => r.statusCode)).toEqual(Array(20).fill(401));
    const actions = (await authRows('sh_manager')).map((r) => r.action);
    expect(actions.filter((a) => a === 'auth.login_failed')).toHaveLength(5);
    expect(actions.filter((a) => a === 'auth.account_locked')).toHaveLength(1);
    expect(actions.filter((a) => a === 'auth.login_refused_locked')).toHaveLength(15);
    // The lock row follows the 5th failure, and nothing was counted after it.
    expect(actions.indexOf('auth.account_locked')).toBe(5);
    const right = await login('sh_manager', 'Kefu2026!');
    expect(right.statusCode).toBe(423);
    expect(JSON.parse(right.body).error.code).toBe('ACCOUNT_LOCKED');
    expect(right.cookies.find((c) => c.name === 'kefu_session')).toBeUndefined();
    const u = await t.db
      .selectFrom('users')
      .select(['locked_until'])
      .where('username', '=', 'sh_manager')
      .executeTakeFirstOrThrow();
    expect(u.locked_until!.getTime()).toBeGreaterThan(Date.now());
  });

  it('11 wrong and 1 right sent together: the right one never signs in once the lock is reached', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) =>
      login('settlement', i === 6 ? 'Kefu2026!' : 'wrong-password1'),
    );
    const res = await Promise.all(attempts);
    const right = res[6];
    const rows = await authRows('settlement');
    // Replay the audit trail in the order the row lock let the attempts through.
    let failures = 0;
    let lockedSeen = false;
    for (const r of rows) {
      if (r.action === 'auth.login_failed') failures++;
      if (r.action === 'auth.account_locked') lockedSeen = true;
      if (r.action === 'auth.login') {
        // A sign-in is only possible before the lock: fewer than 5 failures counted and no lock yet.
        expect(lockedSeen).toBe(false);
        expect(failures).toBeLessThan(5);
        failures = 0;
      }
    }
    // 11 wrong passwords reach 5 in a row on either side of a successful sign-in: the account ends locked.
    expect(rows.filter((r) => r.action === 'auth.account_locked')).toHaveLength(1);
    expect(lockedSeen).toBe(true);
    if (right.statusCode === 200) {
      expect(rows.map((r) => r.action)).toContain('auth.login');
    } else {
      expect(right.statusCode).toBe(423);
      expect(rows.map((r) => r.action)).not.toContain('auth.login');
      expect(
        await t.db
          .selectFrom('sessions')
          .innerJoin('users', 'users.id', 'sessions.user_id')
          .select('sessions.id')
          .where('users.username', '=', 'settlement')
          .execute(),
      ).toHaveLength(0);
    }
    for (const [i, r] of res.entries()) if (i !== 6) expect(r.statusCode).toBe(401);
  });

  it('tells nothing about an account before the password is right', async () => {
    await t.db.updateTable('users').set({ status: 'disabled' }).where('username', '=', 'branchmgr').execute();
    const unknown = await login('nobody-here', 'wrong-password1');
    const disabled = await login('branchmgr', 'wrong-password1');
    const wrong = await login('viewer', 'wrong-password1');
    for (const r of [unknown, disabled, wrong]) {
      expect(r.statusCode).toBe(401);
      expect(JSON.parse(r.body)).toEqual(JSON.parse(unknown.body));
    }
    // With the right password the disabled account is told as such.
    const right = await login('branchmgr', 'Kefu2026!');
    expect(right.statusCode).toBe(403);
    expect(JSON.parse(right.body).error.code).toBe('ACCOUNT_DISABLED');
    await t.db.updateTable('users').set({ status: 'active' }).where('username', '=', 'branchmgr').execute();
  });
});

describe('per-account sign-in throttling', () => {
  let t2: TestApp;
  beforeAll(async () => {
    t2 = await createTestApp({ env: { KEFU_LOGIN_ACCOUNT_RATE_LIMIT: '3' } });
  });
  afterAll(async () => t2?.close());
  const login = (username: string, password: string, remoteAddress: string) =>
    t2.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  it('throttles one username across addresses, known or not, beside the per-address limit', async () => {
    for (const name of ['agent', 'no-such-user']) {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await login(name, 'wrong-password1', `10.0.0.${i + 1}`)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    }
    // The name's case does not get around it; another name from the same addresses is not affected.
    expect((await login('AGENT', 'Kefu2026!', '10.0.1.1')).statusCode).toBe(429);
    expect((await login('viewer', 'Kefu2026!', '10.0.0.1')).statusCode).toBe(200);
    // A throttled attempt never reached the password check: only 3 failures were counted for agent.
    const u = await t2.db
      .selectFrom('users')
      .select(['failed_attempts'])
      .where('username', '=', 'agent')
      .executeTakeFirstOrThrow();
    expect(u.failed_attempts).toBe(3);
  });
});
