// Opens Kefu's database (embedded or DATABASE_URL), brings its schema up to date and syncs the built-in roles.
import { sql } from 'kysely';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbedded } from '../db/embedded.ts';
import { createDb, createPool, type Database } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { BUILTIN_ROLES } from './permissions.ts';

export type Opened = {
  db: Database;
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close: () => Promise<void>;
};

export async function openDatabase(
  config: Config,
  opts: { log?: (m: string) => void; migrate?: boolean; poolSize?: number } = {},
): Promise<Opened> {
  const log = opts.log ?? (() => {});
  const embedded = config.databaseUrl ? null : await startEmbedded(config.dataDir, { log });
  const url = config.databaseUrl ?? embedded!.url;
  const pool = createPool(url, opts.poolSize ?? 20, (e) => log(`database connection lost: ${e.message}`));
  const db = createDb(pool);
  const close = async () => {
    await db.destroy().catch(() => {});
    await embedded?.stop();
  };
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(db, pool);
      if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
      await syncBuiltinRoles(db);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { db, pool, url, embedded: !!embedded, close };
}

/** Built-in roles always carry the permissions the code gives them, so a new module's permissions reach them. */
export async function syncBuiltinRoles(db: Database) {
  for (const [code, role] of Object.entries(BUILTIN_ROLES)) {
    await db
      .insertInto('roles')
      .values({
        code,
        name: role.name,
        description: role.description,
        permissions: role.permissions,
        builtin: true,
      })
      .onConflict((oc) =>
        oc
          .column('code')
          .doUpdateSet({
            permissions: role.permissions,
            builtin: true,
            name: role.name,
            description: role.description,
            updated_at: sql`now()`,
          })
          // Unchanged roles are left alone, so a start (or a restore) does not touch their updated_at.
          .where(
            sql<boolean>`(roles.name, roles.description, roles.permissions, roles.builtin) is distinct from
              (excluded.name, excluded.description, excluded.permissions, excluded.builtin)`,
          ),
      )
      .execute();
  }
}
