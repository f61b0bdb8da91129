// Runs Kefu's migrations (timestamped files in ./migrations, never edited once landed) and the job queue's own.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type pg from 'pg';
import type { Database } from './index.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

class FolderProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    // .ts from the sources, .js from the build (server/dist); the name is the file's without its extension.
    const files = (await fs.readdir(dir)).filter((f) => /^\d{8}_\d{4}_[\w-]+\.(ts|js)$/.test(f)).sort();
    const out: Record<string, Migration> = {};
    for (const f of files) out[f.replace(/\.(ts|js)$/, '')] = await import(path.join(dir, f));
    return out;
  }
}

/** The names of Kefu's migrations this code knows, oldest first. */
export async function knownMigrations(): Promise<string[]> {
  return Object.keys(await new FolderProvider().getMigrations()).sort();
}

/**
 * Brings Kefu's schema up to `target` (a migration name) only, without the job queue's schema: a restore loads
 * a backup's rows at the schema level they were taken at, then migrates the rest like an upgrade.
 */
export async function migrateTo(db: Database, target: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderProvider() });
  const { error, results } = await migrator.migrateTo(target);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrate(db: Database, pool: pg.Pool): Promise<string[]> {
  // Modules are developed side by side, so a migration can land with a name that sorts before one a database has
  // already run; it is applied then rather than refused. Migrations never depend on a later-named one.
  const migrator = new Migrator({ db, provider: new FolderProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
  await runWorkerMigrations({ pgPool: pool, logger: silentLogger });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export const silentLogger = new Logger(() => () => {});
