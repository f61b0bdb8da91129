// kefu backup / kefu restore against real PostgreSQL: same rows after a round trip, ids continue, the embedded
// PostgreSQL's data moves to a server (PG 15 with TEST_DATABASE_URL), bad files and non-empty targets are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../db/embedded.ts';
import { createDb, createPool, type Database } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { loadDemo } from '../demo/index.ts';
import '../modules/index.ts'; // every module's demo steps and jobs, as in the real server
import { createTestApp, type TestApp } from '../test/app.ts';
import { readAllRows, runKefu, tempDataDir } from '../test/cli.ts';
import { createEmptyDb, createTestDb } from '../test/db.ts';
import {
  BackupFileError,
  backup,
  backupToFile,
  dependencyOrder,
  RestoreTargetNotEmptyError,
  restoreFromFile,
  targetRows,
} from './backup.ts';
import { syncBuiltinRoles } from './bootstrap.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-backup-test-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An empty database on the test server, opened like Kefu opens one (pool + Kysely, nothing migrated). */
async function emptyTarget() {
  const e = await createEmptyDb();
  const pool = createPool(e.url, 4);
  const db = createDb(pool);
  const close = async () => {
    await db.destroy().catch(() => {});
    await e.drop();
  };
  cleanups.push(close);
  return { url: e.url, pool, db, close };
}

async function countAll(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await targetRows(c);
  } finally {
    await c.end();
  }
}

let src: TestApp;
let file: string;
beforeAll(async () => {
  src = await createTestApp();
  cleanups.push(() => src.close());
  // Sessions and audit rows through the API, a user through the API.
  const admin = await src.login('admin');
  await src.login('agent');
  const branches = (await src.call(admin, 'GET', '/api/branches')).body;
  const bj = (Array.isArray(branches) ? branches : branches.items).find((b: any) => b.code === 'BJ01');
  const depts = (await src.call(admin, 'GET', '/api/departments')).body;
  const created = await src.call(admin, 'POST', '/api/users', {
    username: 'backup.tester',
    displayName: '备份 测试',
    password: 'Backup2026!',
    branchId: bj.id,
    departmentId: depts[0].id,
    roles: ['agent'],
  });
  expect(created.status).toBe(200);
  // Text COPY must carry unharmed: tabs, newlines, backslashes, a lone "\." line, NULLs, emoji, JSON.
  await sql`insert into branches (code, name, region, address, phone)
            values ('TRICKY', ${'制表\t换行\n反斜杠\\ 😀'}, ${'\\.'}, ${'line1\r\nline2\\N'}, null)`.execute(
    src.db,
  );
  await sql`insert into audit_log (action, entity, entity_id, before, after, meta)
            select 'test.row', 'thing', g::text, jsonb_build_object('n', g, 's', E'a\tb\\c'),
                   ${JSON.stringify({ 中文: '值', nested: { a: [1, 2.5, null] } })}::jsonb, null
              from generate_series(1, 500) g`.execute(src.db);
  // The users ↔ teams cycle in the data: a team led by a user who is in that team.
  const agent = await src.db
    .selectFrom('users')
    .select(['id', 'team_id'])
    .where('username', '=', 'agent')
    .executeTakeFirstOrThrow();
  expect(agent.team_id).not.toBeNull();
  await src.db.updateTable('teams').set({ leader_id: agent.id }).where('id', '=', agent.team_id!).execute();
  // An id taken and given back: the sequence is ahead of max(id) and must stay ahead after a restore.
  const gone = await sql<{
    id: number;
  }>`insert into branches (code, name) values ('GONE', 'gone') returning id`
    .execute(src.db)
    .then((r) => r.rows[0].id);
  await sql`delete from branches where id = ${gone}`.execute(src.db);
  file = path.join(tmp, 'round-trip.kefu.gz');
  await backupToFile(src.pool, file);
});

describe('backup and restore', () => {
  it('orders tables so referenced ones come first and breaks cycles', () => {
    const order = dependencyOrder(
      ['user_roles', 'users', 'teams', 'branches', 'roles', 'audit_log'],
      [
        { table: 'users', references: 'branches' },
        { table: 'users', references: 'teams' },
        { table: 'teams', references: 'users' },
        { table: 'teams', references: 'branches' },
        { table: 'user_roles', references: 'users' },
        { table: 'user_roles', references: 'roles' },
        { table: 'users', references: 'users' },
      ],
    );
    expect(order.indexOf('branches')).toBeLessThan(order.indexOf('users'));
    expect(order.indexOf('branches')).toBeLessThan(order.indexOf('teams'));
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('user_roles'));
    expect(order.indexOf('roles')).toBeLessThan(order.indexOf('user_roles'));
    expect(order).toHaveLength(6);
  });

  it('writes a gzip file with a JSON header, then COPY sections, then an end marker', () => {
    const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n')));
    expect(header.format).toBe('kefu-backup');
    expect(header.version).toBe(1);
    expect(header.migrations[0]).toBe('20261122_0001_foundation');
    const names = header.tables.map((t: any) => t.name);
    expect(names).not.toContain('kysely_migration');
    expect(names).toContain('audit_log');
    expect(header.tables.find((t: any) => t.name === 'audit_log').rows).toBeGreaterThanOrEqual(500);
    expect(header.sequences.find((s: any) => s.name === 'branches_id_seq')).toBeTruthy();
    expect(text.endsWith('@@end\n')).toBe(true);
    expect(text).toContain('@@table users\n');
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it('restores every row into an empty database; ids continue; constraints and triggers are back', async () => {
    const target = await emptyTarget();
    // Every secondary index is dropped while the rows load, then built again (also on tables with deferred checks).
    const r = await restoreFromFile(target, file, { rebuildIndexesFrom: 1 });
    expect(r.rows).toBeGreaterThan(500);
    const indexes = async (db: Database) =>
      (
        await sql<{
          d: string;
        }>`select indexdef as d from pg_indexes where schemaname = 'public' order by 1`.execute(db)
      ).rows;
    expect(await indexes(target.db)).toEqual(await indexes(src.db));
    const [before, after] = [await readAllRows(src.url), await readAllRows(target.url)];
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const t of Object.keys(before)) expect({ t, rows: after[t] }).toEqual({ t, rows: before[t] });
    expect(after.sessions.length).toBeGreaterThanOrEqual(2);
    expect(after.users.some((u) => u.includes('backup.tester'))).toBe(true);

    // Sequences continue past the largest id, and past an id that was used and deleted before the backup.
    const maxBranch = await sql<{ m: number }>`select max(id)::int as m from branches`.execute(src.db);
    const next = await sql<{
      id: number;
    }>`insert into branches (code, name) values ('NEW', 'new') returning id`
      .execute(target.db)
      .then((x) => x.rows[0].id);
    expect(next).toBeGreaterThan(maxBranch.rows[0].m + 1);
    const maxAudit = await sql<{ m: number }>`select max(id)::int as m from audit_log`.execute(src.db);
    const auditId = await sql<{
      id: number;
    }>`insert into audit_log (action, entity) values ('x', 'y') returning id`
      .execute(target.db)
      .then((x) => x.rows[0].id);
    expect(auditId).toBeGreaterThan(maxAudit.rows[0].m);
    await sql`insert into users (username, display_name, branch_id, department_id, password_hash)
              select 'after.restore', 'After', branch_id, department_id, 'x' from users limit 1`.execute(
      target.db,
    );

    // The audit log is append-only again, and the users ↔ teams key is as strict as before.
    await expect(sql`update audit_log set action = 'changed'`.execute(target.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(target.db)).rejects.toThrow(/append-only/);
    const fk = await sql<{
      d: boolean;
    }>`select condeferrable as d from pg_constraint where conname = 'users_team_fk'`
      .execute(target.db)
      .then((x) => x.rows[0]);
    expect(fk.d).toBe(false);
    await expect(
      sql`update users set team_id = 999999 where username = 'agent'`.execute(target.db),
    ).rejects.toThrow(/foreign key/);
    // Built-in roles are synced and the job queue's schema exists, as after any start.
    const jobs = await sql<{
      ok: boolean;
    }>`select to_regclass('graphile_worker.jobs') is not null as ok`.execute(target.db);
    expect(jobs.rows[0].ok).toBe(true);
  }, 60_000);

  it('restores into a database Kefu has already started on (only built-in roles in it)', async () => {
    const t = await createTestDb();
    cleanups.push(() => t.close());
    await restoreFromFile(t, file);
    const [before, after] = [await readAllRows(src.url), await readAllRows(t.url)];
    expect(after).toEqual(before);
  }, 60_000);

  it('is a consistent snapshot: writes made while it runs are not in it', async () => {
    const own = await createTestDb();
    cleanups.push(() => own.close());
    const chunks: Buffer[] = [];
    let wrote = false;
    // The header is written once the snapshot is taken and counted; rows are copied after it. Others write then.
    const out = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk);
        if (wrote) return cb();
        wrote = true;
        sql`insert into audit_log (action, entity) select 'during.backup', 'x' from generate_series(1, 50)`
          .execute(own.db)
          .then(() => sql`insert into branches (code, name) values ('DURING', 'during')`.execute(own.db))
          .then(() => cb(), cb);
      },
    });
    const header = await backup(own.pool, out);
    expect(wrote).toBe(true);
    const f = path.join(tmp, 'snapshot.kefu.gz');
    fs.writeFileSync(f, Buffer.concat(chunks));
    const target = await emptyTarget();
    await restoreFromFile(target, f);
    const rows = await readAllRows(target.url);
    expect(rows.audit_log).toHaveLength(header.tables.find((t) => t.name === 'audit_log')!.rows);
    expect(rows.audit_log.some((r) => r.includes('during.backup'))).toBe(false);
    expect(rows.branches.some((r) => r.includes('DURING'))).toBe(false);
  }, 60_000);

  it('refuses a database that holds data, and changes nothing', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const before = await readAllRows(t.url);
    const err = await restoreFromFile(t, file).catch((e) => e);
    expect(err).toBeInstanceOf(RestoreTargetNotEmptyError);
    expect(err.message).toMatch(/not empty \(.*users: \d+/);
    expect(err.message).toMatch(/Nothing was changed/);
    expect(await readAllRows(t.url)).toEqual(before);

    // Another application's database (a wrong DATABASE_URL) is refused too, and gets no Kefu tables.
    const other = await emptyTarget();
    await other.pool.query(
      `create table orders (id int primary key, what text); insert into orders values (1, 'x')`,
    );
    const err2 = await restoreFromFile(other, file).catch((e) => e);
    expect(err2).toBeInstanceOf(RestoreTargetNotEmptyError);
    expect(err2.message).toMatch(/orders: 1/);
    expect(Object.keys(await readAllRows(other.url))).toEqual(['orders']);
  }, 60_000);

  it('refuses a cut-short file, a damaged file, a file with wrong counts and a file that is no backup; the target stays empty', async () => {
    const bytes = fs.readFileSync(file);
    const text = zlib.gunzipSync(bytes);
    const bad: [string, Buffer, RegExp][] = [
      ['truncated', bytes.subarray(0, Math.floor(bytes.length * 0.7)), /damaged or incomplete/],
      ['cut-inside', zlib.gzipSync(text.subarray(0, text.indexOf('@@table users'))), /damaged or incomplete/],
      [
        'flipped',
        (() => {
          const b = Buffer.from(bytes);
          b[Math.floor(b.length / 2)] ^= 0xff;
          return b;
        })(),
        /damaged or incomplete/,
      ],
      [
        'wrong-count',
        zlib.gzipSync(
          Buffer.from(text.toString('utf8').replace(/("name":"sessions",.*?"rows":)(\d+)/, '$1999')),
        ),
        /sessions should have 999 rows/,
      ],
      [
        // A valid gzip whose rows PostgreSQL cannot read back (a letter where the first id of a table was).
        'bad-row',
        zlib.gzipSync(Buffer.from(text.toString('utf8').replace(/(@@table users\n)/, '$1x'))),
        /damaged or incomplete/,
      ],
      ['not-a-backup', zlib.gzipSync(Buffer.from('hello\n')), /not a Kefu backup/],
      ['not-gzip', Buffer.from('{"format":"kefu-backup"}\n'), /damaged or incomplete/],
    ];
    const target = await emptyTarget();
    // "Empty" after a failed restore: the schema at the backup's level with only what migrations put in by themselves.
    const fresh = await createTestDb();
    cleanups.push(() => fresh.close());
    const seeded = await countAll(fresh.url);
    expect(seeded.users).toBeUndefined();
    for (const [name, content, message] of bad) {
      const f = path.join(tmp, `${name}.kefu.gz`);
      fs.writeFileSync(f, content);
      const err = await restoreFromFile(target, f).catch((e) => e);
      expect({ name, err: String(err) }).toEqual({ name, err: expect.stringMatching(message) });
      expect(err).toBeInstanceOf(BackupFileError);
      const left = await countAll(target.url);
      expect(Object.keys(left).every((t) => t in seeded)).toBe(true);
      expect(left.users ?? 0).toBe(0);
      expect(left.audit_log ?? 0).toBe(0);
    }
    // After all those failures the same database takes the good file.
    await restoreFromFile(target, file);
    expect(await readAllRows(target.url)).toEqual(await readAllRows(src.url));
  }, 120_000);
});

describe('moving from the embedded PostgreSQL to a server', () => {
  it('backs up the embedded database with the real CLI (while it runs) and restores it on the server', async () => {
    const dir = tempDataDir('kefu-backup-emb-');
    const emb = await startEmbedded(dir);
    let db: Database | undefined;
    cleanups.push(async () => {
      await db?.destroy().catch(() => {});
      await emb.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const pool = createPool(emb.url, 4);
    db = createDb(pool);
    await migrate(db, pool);
    await syncBuiltinRoles(db);
    await loadDemo(db, { customers: 200 });

    // `kefu backup` reaches the embedded PostgreSQL that another process (this test, like a running server) holds.
    const out = path.join(tmp, 'embedded.kefu.gz');
    const b = await runKefu(['backup', out], { KEFU_DATA_DIR: dir });
    expect(b.stderr).toMatch(/backup written to/);
    expect(b.code).toBe(0);

    const target = await emptyTarget();
    const r = await runKefu(['restore', out], { DATABASE_URL: target.url });
    expect(r.stderr).toMatch(/restored .* into DATABASE_URL/);
    expect(r.code).toBe(0);

    const versions = await Promise.all(
      [emb.url, target.url].map(async (u) => {
        const c = new pg.Client({ connectionString: u });
        await c.connect();
        const v = (await c.query('show server_version_num')).rows[0].server_version_num;
        await c.end();
        return Number(v);
      }),
    );
    expect(versions[0]).toBeGreaterThanOrEqual(180000); // the embedded one
    if (process.env.TEST_DATABASE_URL) expect(versions[1]).toBeLessThan(160000); // the PG 15 server
    const [before, after] = [await readAllRows(emb.url), await readAllRows(target.url)];
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const t of Object.keys(before)) expect({ t, rows: after[t] }).toEqual({ t, rows: before[t] });
    expect(before.users.length).toBeGreaterThanOrEqual(12);
    expect(after.audit_log.length).toBeGreaterThan(0);

    // The restored Kefu works: a second restore is refused by the CLI with a clear message.
    const again = await runKefu(['restore', out], { DATABASE_URL: target.url });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  }, 240_000);
});
