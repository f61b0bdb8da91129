// The database check behind /health: a round trip that also reads the server's version.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';

/** The PostgreSQL server's version; throws when the database does not answer. */
export async function databaseVersion(db: Database) {
  const r = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
  return r.rows[0].v;
}
