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
import { syncBuiltinRoles } from '../platform/bootstrap.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
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
  await db.destroy();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', TEMPLATE);
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
