// The connection pool and the Kysely instance every module uses.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';

// bigint ids and counts fit in a JS number at any size Kefu will see; numeric stays a string (money).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Database = Kysely<DB>;

export function createPool(url: string, max = 20, onError?: (e: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client dropped by a database restart must not crash the process; the pool reconnects on next use.
  pool.on('error', (e) => onError?.(e));
  return pool;
}

export function createDb(pool: pg.Pool): Database {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
