// Opens Kefu's database (embedded or DATABASE_URL) as two connections: the owner's, which brings the schema up to
// date, syncs the built-in roles and grants the app role its privileges; and the app's, least-privileged, which
// every request and job uses (see db/roles.ts).
import { sql } from 'kysely';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbedded } from '../db/embedded.ts';
import { createDb, createPool, type Database } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import {
  appConnectionWarnings,
  ensureAppRole,
  grantAppRole,
  ownedBy,
  urlUser,
  withClient,
} from '../db/roles.ts';
import { BUILTIN_ROLES } from './permissions.ts';

export type Opened = {
  /** The app's connection: the least-privileged app role (or the owner's, with DATABASE_URL alone). */
  db: Database;
  pool: pg.Pool;
  url: string;
  /** The owner's connection: migrations, backup and restore, bulk loads that rebuild indexes. */
  owner: { db: Database; pool: pg.Pool; url: string };
  /** The app role's name, or null when the app runs as the owner (DATABASE_URL without KEFU_APP_DATABASE_URL). */
  appRole: string | null;
  embedded: boolean;
  /** What is wrong with the app's connection (a superuser, the tables' owner), for a warning at start. */
  warnings: string[];
  close: () => Promise<void>;
};

export async function openDatabase(
  config: Config,
  opts: { log?: (m: string) => void; migrate?: boolean; poolSize?: number } = {},
): Promise<Opened> {
  const log = opts.log ?? (() => {});
  const embedded = config.databaseUrl ? null : await startEmbedded(config.dataDir, { log, appRole: true });
  const ownerUrl = config.databaseUrl ?? embedded!.url;
  const appUrl = config.databaseUrl ? config.appDatabaseUrl : embedded!.appUrl;
  const lost = (e: Error) => log(`database connection lost: ${e.message}`);
  const ownerPool = createPool(ownerUrl, appUrl ? 4 : (opts.poolSize ?? 20), lost);
  const ownerDb = createDb(ownerPool);
  const appPool = appUrl ? createPool(appUrl, opts.poolSize ?? 20, lost) : ownerPool;
  const appDb = appUrl ? createDb(appPool) : ownerDb;
  const appRole = appUrl ? urlUser(appUrl) : null;
  const close = async () => {
    if (appDb !== ownerDb) await appDb.destroy().catch(() => {});
    await ownerDb.destroy().catch(() => {});
    await embedded?.stop();
  };
  let warnings: string[] = [];
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(ownerDb, ownerPool);
      if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
      await syncBuiltinRoles(ownerDb);
      if (appRole) {
        // With DATABASE_URL, the owner creates the app role when it may (or says what to run), then grants it.
        if (config.databaseUrl)
          await withClient(ownerUrl, (c) =>
            ensureAppRole(c, appRole, {
              password: decodeURIComponent(new URL(appUrl!).password) || undefined,
            }),
          );
        await grantAppRole(ownerDb, appRole);
        const owns = await withClient(ownerUrl, (c) => ownedBy(c, appRole));
        if (owns.length)
          throw new Error(
            `The app's database role ${appRole} owns ${owns.slice(0, 5).join(', ')}${owns.length > 5 ? ' …' : ''}: ` +
              'it must own nothing (it could alter those tables). Give the app a new role, or, as the owner, ' +
              `run: reassign owned by ${appRole} to ${urlUser(ownerUrl)}`,
          );
      }
      warnings = await appConnectionWarnings(appDb);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    db: appDb,
    pool: appPool,
    url: appUrl ?? ownerUrl,
    owner: { db: ownerDb, pool: ownerPool, url: ownerUrl },
    appRole,
    embedded: !!embedded,
    warnings,
    close,
  };
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
