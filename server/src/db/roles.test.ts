// The database enforces the audit log's promise (issue 9, acceptance 4): the app's connection — in the tests, on
// the embedded database Kefu starts in a private data folder, and with DATABASE_URL + KEFU_APP_DATABASE_URL —
// is not a superuser, owns nothing, cannot UPDATE, DELETE or TRUNCATE an audit row or an immutable suitability
// record, and cannot ALTER TABLE … DISABLE TRIGGER.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../platform/bootstrap.ts';
import { createTestApp, type TestApp } from '../test/app.ts';
import { createEmptyDb } from '../test/db.ts';
import type { Database } from './index.ts';
import { EMBEDDED_APP_ROLE, grantAppRole, immutableTables, withClient, withCredentials } from './roles.ts';

const asRoot = process.getuid?.() === 0;

/** The PostgreSQL error a statement fails with, or null when it succeeds (inside a transaction rolled back). */
async function failure(db: Database, statement: string): Promise<{ code: string; message: string } | null> {
  try {
    await db.transaction().execute(async (tx) => {
      await sql.raw(statement).execute(tx);
      throw Object.assign(new Error('ran'), { ran: true });
    });
    return null;
  } catch (e) {
    if ((e as { ran?: boolean }).ran) return null;
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
}

/** Everything acceptance 4 asks of an app connection, checked against the owner's view of the same database. */
async function expectLeastPrivileged(app: Database, owner: Database) {
  const me = (
    await sql<{ name: string; super: boolean; createrole: boolean; createdb: boolean; bypassrls: boolean }>`
      select current_user as name, rolsuper as super, rolcreaterole as createrole, rolcreatedb as createdb,
             rolbypassrls as bypassrls
        from pg_roles where rolname = current_user`.execute(app)
  ).rows[0];
  expect(me).toMatchObject({ super: false, createrole: false, createdb: false, bypassrls: false });
  const ownerName = (await sql<{ n: string }>`select current_user as n`.execute(owner)).rows[0].n;
  expect(me.name).not.toBe(ownerName);
  // Owns nothing, is not a member of the owner.
  const owned = await sql<{ n: number }>`
    select count(*)::int as n from pg_class where relowner = (select oid from pg_roles where rolname = current_user)`.execute(
    app,
  );
  expect(owned.rows[0].n).toBe(0);
  const member = await sql<{
    m: boolean;
  }>`select pg_has_role(current_user, ${ownerName}, 'MEMBER') as m`.execute(app);
  expect(member.rows[0].m).toBe(false);

  // The app works: it reads and appends to the audit log like every write does.
  await sql`insert into audit_log (action, entity) values ('test.least_privilege', 'system')`.execute(app);
  const id = (
    await sql<{
      id: number;
    }>`select max(id)::int as id from audit_log where action = 'test.least_privilege'`.execute(app)
  ).rows[0].id;
  expect(id).toBeGreaterThan(0);

  // It enqueues background jobs (the job queue's tables hide their rows from everyone but a policy's role).
  await sql`select graphile_worker.add_job('test_least_privilege', '{}'::json)`.execute(app);
  const queued = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs where task_identifier = 'test_least_privilege'`.execute(
    app,
  );
  expect(queued.rows[0].n).toBe(1);

  // …but cannot change the audit log, whatever the trigger does.
  for (const stmt of [
    `update audit_log set action = 'forged' where id = ${id}`,
    `delete from audit_log where id = ${id}`,
    'truncate audit_log',
  ]) {
    const f = await failure(app, stmt);
    expect(f, stmt).toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
  }
  for (const stmt of [
    'alter table audit_log disable trigger audit_log_no_update',
    'alter table audit_log disable trigger all',
    'drop trigger audit_log_no_update on audit_log',
    'alter table suitability_assessments disable trigger suitability_assessments_immutable',
    'alter table suitability_offers disable trigger suitability_offers_immutable',
  ]) {
    const f = await failure(app, stmt);
    expect(f, stmt).toMatchObject({ code: '42501', message: expect.stringMatching(/must be owner/) });
  }
  // Triggers cannot be skipped by replication mode either (a superuser's setting).
  expect(await failure(app, `set session_replication_role = replica`)).toMatchObject({ code: '42501' });
  // Nothing new can be owned.
  expect(await failure(app, 'create table kefu_app_owns (id int)')).toMatchObject({ code: '42501' });
  // The row is still as written.
  const row = await sql<{ action: string }>`select action from audit_log where id = ${id}`.execute(owner);
  expect(row.rows[0].action).toBe('test.least_privilege');

  // Every table whose trigger refuses changes — the audit log and the suitability records among them — refuses
  // them by privilege too.
  const immutable = await immutableTables(owner);
  const byTable = Object.fromEntries(immutable.map((t) => [t.table, t.refused]));
  expect(byTable).toMatchObject({
    audit_log: ['UPDATE', 'DELETE', 'TRUNCATE'],
    suitability_assessments: ['UPDATE', 'DELETE'],
    suitability_offers: ['UPDATE', 'DELETE'],
    regulatory_callbacks: ['DELETE'],
  });
  for (const t of immutable) {
    for (const op of ['UPDATE', 'DELETE', 'TRUNCATE'] as const) {
      const has = await sql<{ ok: boolean }>`select has_table_privilege(${t.table}, ${op}) as ok`.execute(
        app,
      );
      expect(has.rows[0].ok, `${op} on ${t.table}`).toBe(op === 'UPDATE' && !t.refused.includes('UPDATE'));
    }
  }
  for (const stmt of [
    `update suitability_assessments set customer_id = customer_id where id = -1`,
    'delete from suitability_assessments where id = -1',
    `update suitability_offers set customer_id = customer_id where id = -1`,
    'delete from suitability_offers where id = -1',
    'delete from regulatory_callbacks where id = -1',
  ]) {
    const f = await failure(app, stmt);
    expect(f, stmt).toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
  }
  // Kysely's migration bookkeeping is the owner's alone.
  expect(await failure(app, 'select * from kysely_migration')).toMatchObject({ code: '42501' });
}

describe('the test apps run least-privileged', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serve requests as the app role, which cannot edit the audit log or switch its trigger off', async () => {
    const before = (await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(t.db)).rows[0]
      .n;
    const cookie = await t.login('admin');
    const me = await t.call(cookie, 'GET', '/api/me');
    expect(me.status).toBe(200);
    const after = (await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(t.db)).rows[0]
      .n;
    expect(after).toBeGreaterThan(before);
    expect(t.app.kefu.db).toBe(t.appDb);
    await expectLeastPrivileged(t.appDb, t.db);
  });

  it('tables a later migration creates get the grants by default; a refusing trigger takes them away', async () => {
    const role = (await sql<{ n: string }>`select current_user as n`.execute(t.appDb)).rows[0].n;
    await sql`create table kefu_later (id int primary key, note text)`.execute(t.db);
    await sql`insert into kefu_later values (1, 'a')`.execute(t.appDb);
    await sql`update kefu_later set note = 'b' where id = 1`.execute(t.appDb);
    await sql`create trigger kefu_later_immutable before update or delete on kefu_later
      for each row execute function refuse_change()`.execute(t.db);
    await grantAppRole(t.db, role);
    expect(await failure(t.appDb, `update kefu_later set note = 'c' where id = 1`)).toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied/),
    });
    await sql`insert into kefu_later values (2, 'x')`.execute(t.appDb);
    const rows = await sql<{ n: number }>`select count(*)::int as n from kefu_later`.execute(t.appDb);
    expect(rows.rows[0].n).toBe(2);
  });
});

describe('the embedded database Kefu starts', () => {
  it('in a private (0700) data folder: runs as root, the app as kefu_app, least-privileged', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-private-'));
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    const config = loadConfig({ KEFU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    try {
      const opened = await openDatabase(config);
      try {
        expect(opened.embedded).toBe(true);
        expect(opened.appRole).toBe(EMBEDDED_APP_ROLE);
        expect(opened.warnings).toEqual([]);
        await expectLeastPrivileged(opened.db, opened.owner.db);
      } finally {
        await opened.close();
      }
      if (asRoot) {
        // PostgreSQL's user may enter the folder, nobody else may even do that; the cluster is its own.
        const st = fs.statSync(dataDir);
        expect(st.mode & 0o777).toBe(0o710);
        expect(fs.statSync(path.join(dataDir, 'pg')).uid).not.toBe(0);
      }
      expect(fs.statSync(path.join(dataDir, 'pg-app-password')).mode & 0o777).toBe(0o600);
      // A second start finds both roles as they were.
      const again = await openDatabase(config);
      try {
        expect(again.appRole).toBe(EMBEDDED_APP_ROLE);
        expect(again.warnings).toEqual([]);
        const u = await sql<{ n: string }>`select current_user as n`.execute(again.db);
        expect(u.rows[0].n).toBe(EMBEDDED_APP_ROLE);
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('DATABASE_URL with KEFU_APP_DATABASE_URL', () => {
  const role = `kefu_t_app_${process.pid}_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let target: Awaited<ReturnType<typeof createEmptyDb>>;
  beforeAll(async () => {
    target = await createEmptyDb();
  });
  afterAll(async () => {
    await target?.drop();
    // The role is server-wide: removed once its database is gone.
    const admin = new URL(target.url);
    admin.pathname = '/postgres';
    await withClient(admin.toString(), (c) => c.query(`drop role if exists ${role}`)).catch(() => {});
  });

  it('kefu migrate creates the app role, grants it, and the server runs least-privileged as it', async () => {
    const appUrl = withCredentials(target.url, role, password);
    const config = loadConfig({
      DATABASE_URL: target.url,
      KEFU_APP_DATABASE_URL: appUrl,
      LOG_LEVEL: 'silent',
    });
    const opened = await openDatabase(config);
    try {
      expect(opened.embedded).toBe(false);
      expect(opened.appRole).toBe(role);
      expect(opened.warnings).toEqual([]);
      await expectLeastPrivileged(opened.db, opened.owner.db);
    } finally {
      await opened.close();
    }
    // DATABASE_URL alone still works — as the owner, with a warning saying so.
    const alone = await openDatabase(loadConfig({ DATABASE_URL: target.url, LOG_LEVEL: 'silent' }));
    try {
      expect(alone.appRole).toBeNull();
      expect(alone.warnings.join('\n')).toMatch(/superuser|owner/);
      expect(alone.warnings.join('\n')).toMatch(/KEFU_APP_DATABASE_URL/);
    } finally {
      await alone.close();
    }
    expect(() => loadConfig({ KEFU_APP_DATABASE_URL: appUrl })).toThrow(/KEFU_APP_DATABASE_URL/);
  }, 180_000);
});
