// Starts one PostgreSQL for the whole test run (embedded, or TEST_DATABASE_URL's server) and builds a migrated
// template database; each test file then gets its own fresh copy of it in milliseconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../db/embedded.ts';
import { createDb, createPool } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { ensureAppRole, grantAppRole, withClient, withCredentials } from '../db/roles.ts';
import { syncBuiltinRoles } from '../platform/bootstrap.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    /** The least-privileged role test apps connect as (granted on the template, so on every copy of it). */
    pgAppUser: string;
    pgAppPassword: string;
  }
}

/** One app role on the server for every test run (roles are server-wide; test runs share it). */
export const TEST_APP_ROLE = 'kefu_test_app';
export const TEST_APP_PASSWORD = 'kefu-test-app-password';

async function ensureTestAppRole(adminUrl: string, dbUrl: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      await withClient(adminUrl, (c) => ensureAppRole(c, TEST_APP_ROLE, { password: TEST_APP_PASSWORD }));
      break;
    } catch (e) {
      // Two runs creating it at once: the loser sees it next time round.
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // A role left with another password (a server with password authentication): set ours.
  try {
    await withClient(withCredentials(dbUrl, TEST_APP_ROLE, TEST_APP_PASSWORD), async () => {});
  } catch (e) {
    if ((e as { code?: string }).code !== '28P01') throw e;
    await withClient(adminUrl, (c) =>
      c.query(`alter role ${TEST_APP_ROLE} with login password '${TEST_APP_PASSWORD}'`),
    );
  }
}

export const TEMPLATE = `kefu_template_${process.pid}`;

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function setup(project: TestProject) {
  let adminUrl: string;
  let stop = async () => {};
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-test-pg-'));
    fs.chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach the folder
    const emb = await startEmbedded(dir, { database: 'postgres' });
    adminUrl = emb.url;
    stop = async () => {
      await emb.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of an earlier run that was killed are removed, so the server stays clean — but not the databases of
  // another test run going on at the same time (their names carry the process id of the run that made them).
  const old = await admin.query(
    `select datname from pg_database where datname like 'kefu_t_%' or datname like 'kefu_template_%'`,
  );
  for (const r of old.rows) {
    const pid = Number(/^kefu_(?:t|template)_(\d+)(?:_|$)/.exec(r.datname)?.[1]);
    if (!pid || isAlive(pid)) continue;
    await admin.query(`drop database if exists "${r.datname}" with (force)`).catch(() => {});
  }
  await admin.query(`create database "${TEMPLATE}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE}`;
  const pool = createPool(url.toString(), 2);
  const db = createDb(pool);
  await migrate(db, pool);
  await syncBuiltinRoles(db);
  await ensureTestAppRole(adminUrl, url.toString());
  await grantAppRole(db, TEST_APP_ROLE);
  await db.destroy();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', TEMPLATE);
  project.provide('pgAppUser', TEST_APP_ROLE);
  project.provide('pgAppPassword', TEST_APP_PASSWORD);
  return async () => {
    const left = await admin.query(`select datname from pg_database where datname like $1 or datname = $2`, [
      `kefu\\_t\\_${process.pid}\\_%`,
      TEMPLATE,
    ]);
    for (const r of left.rows)
      await admin.query(`drop database if exists "${r.datname}" with (force)`).catch(() => {});
    await admin.end();
    await stop();
  };
}
