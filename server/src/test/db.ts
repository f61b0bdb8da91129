// A fresh database per test file, copied from the migrated template. `db` connects as the server's superuser (the
// owner of the tables: fixtures may write anything); `appDb` as the least-privileged app role the server itself
// runs as (db/roles.ts), which is what createTestApp's app uses.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, createPool, type Database } from '../db/index.ts';
import { withCredentials } from '../db/roles.ts';

export type TestDb = {
  /** The owner's (superuser's) connection, for fixtures and checks. */
  db: Database;
  pool: pg.Pool;
  url: string;
  /** The app role's connection: what the server under test runs as. */
  appDb: Database;
  appPool: pg.Pool;
  appUrl: string;
  close: () => Promise<void>;
};

/** A database name of this test run: kefu_t_<pid of the run>_<random>, so concurrent runs leave each other alone. */
const dbName = () =>
  `kefu_t_${inject('pgTemplate').replace(/^kefu_template_/, '')}_${randomBytes(5).toString('hex')}`;

export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject('pgAdminUrl');
  const name = dbName();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}" template "${inject('pgTemplate')}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = createPool(url, 10);
  const db = createDb(pool);
  // A test run whose global setup predates the app role runs its apps as the owner.
  const appUser = inject('pgAppUser');
  const appUrl = appUser ? withCredentials(url, appUser, inject('pgAppPassword')) : url;
  const appPool = appUser ? createPool(appUrl, 10) : pool;
  const appDb = appUser ? createDb(appPool) : db;
  return {
    db,
    pool,
    url,
    appDb,
    appPool,
    appUrl,
    close: async () => {
      if (appDb !== db) await appDb.destroy();
      await db.destroy();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** A second empty database on the same server (no migrations), e.g. a restore target. */
export async function createEmptyDb(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const name = dbName();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}
