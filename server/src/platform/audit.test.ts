// The audit log's guarantees: every write route leaves an audit row, written in the same transaction as the change
// (so a write whose audit fails leaves nothing, and a write that fails halfway leaves neither change nor row); the
// rows say who, from where, what and how it changed; and the database itself refuses to edit or remove them.
// The write routes are those of the permission table (test/permission-cases.ts), so new modules are covered too.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateUser } from '../modules/users/service.ts';
import { createTestApp, type TestApp } from '../test/app.ts';
import { branchId, ensureRole, ensureUser, tableChecksum, teamOf, userId } from '../test/fixtures.ts';
import {
  BUILTIN_ROLE_USERS,
  type Caller,
  type CaseRequest,
  cases,
  type RoleCode,
  type RouteCase,
  sendCase,
} from '../test/permission-cases.ts';
import { loadActor } from './auth.ts';
import { withTx } from './context.ts';

let t: TestApp;
let tables: Set<string>;
beforeAll(async () => {
  t = await createTestApp();
  tables = new Set(
    (
      await sql<{ n: string }>`select tablename as n from pg_tables where schemaname = 'public'`.execute(t.db)
    ).rows.map((r) => r.n),
  );
});
afterAll(async () => t?.close());

const methodOf = (c: RouteCase) => c.route.split(' ')[0];
const writes = cases.filter((c) => methodOf(c) !== 'GET');
/** The caller a write is tried as: anonymous for public routes, else the administrator or the first allowed role. */
function callerOf(c: RouteCase): Caller {
  if (c.allowed === 'public') return null;
  const role: RoleCode = c.allowed === 'everyone' || c.allowed.includes('admin') ? 'admin' : c.allowed[0];
  return { role, username: BUILTIN_ROLE_USERS[role] };
}
const lastAuditId = async () =>
  Number((await sql<{ m: string | null }>`select max(id) as m from audit_log`.execute(t.db)).rows[0].m ?? 0);

/** The tables a row's write touches: those it lists and the one named like its URL's first segment. */
const tablesOf = (c: RouteCase) => {
  const own = c.route.split(' ')[1].split('/')[2]?.replace(/-/g, '_');
  return [...new Set([...(c.tables ?? []), ...(own && tables.has(own) ? [own] : [])])];
};
const checksums = (names: string[]) => Promise.all(names.map((n) => tableChecksum(t, n)));

describe('every write route', () => {
  // A POST that only reads (a search, a count, a preview) or a run with nothing to do changes none of its
  // tables and need not write a row; every write that changes something must.
  it.each(writes.filter((c) => c.allowed !== 'public').map((c) => [c.route, c] as const))(
    '%s writes an audit row naming the actor, the IP and the entity',
    async (_route, c) => {
      const caller = callerOf(c)!;
      const cookie = await t.login(caller.username);
      const req: CaseRequest = c.request ? await c.request(t, caller) : { url: c.route.split(' ')[1] };
      const since = await lastAuditId();
      const names = tablesOf(c);
      const before = await checksums(names);
      const res = await sendCase(t, cookie, methodOf(c), req);
      expect(
        res.status,
        `${JSON.stringify(res.body)} — the row's request must succeed for ${caller.role}; an upload returns ` +
          '`file: { name, content }` (and `fields`) from `request`',
      ).toBeLessThan(300);
      const rows = await t.db.selectFrom('audit_log').selectAll().where('id', '>', since).execute();
      if (rows.length === 0 && !c.noAudit) {
        const after = await checksums(names);
        expect(
          names.filter((_, i) => before[i] !== after[i]),
          'tables changed without an audit row (write one with audit(tx, …), or give the row `noAudit: "why"`)',
        ).toEqual([]);
      }
      const actor = await userId(t, caller.username);
      for (const r of rows) {
        const which = `audit row ${r.action}: write it with the request's ctx (req.ctx), not systemCtx`;
        expect(r.actor_id, which).toBe(actor);
        expect(r.actor_name, which).toBe(caller.username);
        expect(r.ip, which).toBeTruthy();
        expect(r.entity).toMatch(/^[a-z_]+$/);
        expect(r.action).toMatch(/^[a-z_]+\.[a-z_.]+$/);
      }
    },
  );

  it('changes nothing when its audit row cannot be written', async () => {
    // While the flag is set, a trigger makes every audit insert fail; every write must then leave its tables as
    // they were. The flag is off while the request is built, so fixtures can be made through the API.
    await sql`create table kefu_test_refuse (refuse boolean not null)`.execute(t.db);
    await sql`insert into kefu_test_refuse values (false)`.execute(t.db);
    await sql`create function kefu_test_refuse_audit() returns trigger language plpgsql as $$
      begin
        if (select refuse from kefu_test_refuse) then raise exception 'audit refused for this test'; end if;
        return new;
      end $$`.execute(t.db);
    await sql`create trigger kefu_test_refuse_audit before insert on audit_log
      for each row execute function kefu_test_refuse_audit()`.execute(t.db);
    const refuse = (on: boolean) => sql`update kefu_test_refuse set refuse = ${on}`.execute(t.db);
    const problems: string[] = [];
    try {
      for (const c of writes.filter((x) => !x.noAudit)) {
        const caller = callerOf(c);
        const cookie = caller ? await t.login(caller.username) : null;
        const req: CaseRequest = c.request ? await c.request(t, caller) : { url: c.route.split(' ')[1] };
        const names = tablesOf(c);
        const before = await checksums(names);
        await refuse(true);
        const res = await sendCase(t, cookie, methodOf(c), req);
        await refuse(false);
        const after = await checksums(names);
        names.forEach((n, i) => {
          if (before[i] !== after[i]) problems.push(`${c.route} → ${res.status}: ${n} changed without audit`);
        });
      }
    } finally {
      await sql`drop trigger kefu_test_refuse_audit on audit_log`.execute(t.db);
      await sql`drop function kefu_test_refuse_audit()`.execute(t.db);
      await sql`drop table kefu_test_refuse`.execute(t.db);
    }
    expect(problems).toEqual([]);
  }, 180_000); // one call per write route, one by one
});

describe('one transaction', () => {
  it('a write that fails after its first statement leaves neither the change nor an audit row', async () => {
    // A user administrator without the supervisor's permissions renames a supervisor and takes the role away:
    // the rename is written first, then taking the role is refused — the rename must be undone with it.
    await ensureRole(t, 'user_admin_only', ['admin.users']);
    await ensureUser(t, 'useradmin', { roles: ['user_admin_only'] });
    const cookie = await t.login('useradmin');
    const id = await userId(t, 'supervisor');
    const before = await t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const since = await lastAuditId();
    const res = await t.call(cookie, 'PATCH', `/api/users/${id}`, {
      displayName: 'Renamed',
      roles: [],
      version: before.version,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Role supervisor carries permissions/);
    const after = await t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect(await lastAuditId()).toBe(since);
  });

  it('a service call inside a transaction that fails after the audit leaves neither', async () => {
    const admin = (await loadActor(t.db, await userId(t, 'admin')))!;
    const id = await userId(t, 'viewer');
    const before = await t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const since = await lastAuditId();
    let audited = 0;
    await expect(
      withTx({ db: t.db, actor: admin, ip: '10.0.0.9' }, async (tx) => {
        await updateUser({ ...tx, actor: admin }, id, { displayName: 'Renamed', version: before.version });
        audited = (await tx.db.selectFrom('audit_log').select('id').where('id', '>', since).execute()).length;
        throw new Error('fails after the audit row was written');
      }),
    ).rejects.toThrow('fails after');
    expect(audited).toBe(1); // the row was written, inside the transaction …
    expect(await lastAuditId()).toBe(since); // … and went with it
    expect(await t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(
      before,
    );
  });
});

describe('the audit rows', () => {
  it('carry the actor, the IP, the entity and what changed', async () => {
    const cookie = await t.login('admin');
    const team = await teamOf(t, 'SH01');
    const since = await lastAuditId();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/teams/${team}`,
      headers: { cookie },
      remoteAddress: '203.0.113.7',
      payload: { name: '浦东客服二组' },
    });
    expect(res.statusCode).toBe(200);
    const row = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', since)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_id: await userId(t, 'admin'),
      actor_name: 'admin',
      ip: '203.0.113.7',
      action: 'team.updated',
      entity: 'team',
      entity_id: String(team),
      branch_id: await branchId(t, 'SH01'),
      before: { name: '浦东客服一组' },
      after: { name: '浦东客服二组' },
    });
    expect(row.at).toBeInstanceOf(Date);
  });

  it('never hold a password or its hash', async () => {
    const cookie = await t.login('admin');
    const since = await lastAuditId();
    const res = await t.call(cookie, 'POST', '/api/users', {
      username: 'audited_user',
      displayName: 'Audited',
      branchId: await branchId(t, 'BJ01'),
      departmentId: (
        await t.db.selectFrom('departments').select('id').where('code', '=', 'CS').executeTakeFirstOrThrow()
      ).id,
      roles: ['readonly'],
      password: 'Secret-Passw0rd',
    });
    expect(res.status).toBe(200);
    await t.call(cookie, 'POST', `/api/users/${res.body.id}/password`, { password: 'Other-Passw0rd' });
    const rows = await t.db.selectFrom('audit_log').selectAll().where('id', '>', since).execute();
    expect(rows.map((r) => r.action)).toEqual(['user.created', 'user.password_reset']);
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/password_hash|argon2|Secret-Passw0rd|Other-Passw0rd/);
  });

  it('record signing out', async () => {
    const cookie = await t.login('sh_manager');
    const since = await lastAuditId();
    await t.call(cookie, 'POST', '/api/auth/logout');
    const rows = await t.db.selectFrom('audit_log').selectAll().where('id', '>', since).execute();
    expect(rows).toMatchObject([{ action: 'auth.logout', entity_id: String(await userId(t, 'sh_manager')) }]);
  });
});

describe('the database refuses to change the audit log', () => {
  it('is connected as the owner of the table', async () => {
    const r = await sql<{ owner: string; me: string }>`
      select tableowner as owner, current_user as me from pg_tables where tablename = 'audit_log'`.execute(
      t.db,
    );
    expect(r.rows[0].owner).toBe(r.rows[0].me);
  });

  it.each([
    ['UPDATE', sql`update audit_log set action = 'forged'`],
    [
      'UPDATE one row',
      sql`update audit_log set actor_name = 'someone else' where id = (select min(id) from audit_log)`,
    ],
    ['DELETE', sql`delete from audit_log`],
    ['DELETE one row', sql`delete from audit_log where id = (select max(id) from audit_log)`],
    ['TRUNCATE', sql`truncate audit_log`],
  ])('%s raises an error and leaves every row', async (_what, statement) => {
    const before = await tableChecksum(t, 'audit_log');
    expect(before.startsWith('0:')).toBe(false);
    await expect(statement.execute(t.db)).rejects.toThrow(/append-only/);
    expect(await tableChecksum(t, 'audit_log')).toBe(before);
  });

  it('refuses through the services too: there is no route that changes it', () => {
    const auditRoutes = cases.filter((c) => c.route.split(' ')[1].startsWith('/api/audit'));
    expect(auditRoutes.map((c) => methodOf(c))).toEqual(['GET']);
  });
});
