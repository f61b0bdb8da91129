// The request context every service function takes: who is acting, from where, and the database handle to use.
import type { Transaction } from 'kysely';
import type { Database } from '../db/index.ts';
import type { DB } from '../db/types.ts';
import { unauthorized } from './errors.ts';
import type { Actor } from './permissions.ts';

export type Ctx = {
  db: Database | Transaction<DB>;
  actor: Actor | null;
  ip: string | null;
  userAgent?: string | null;
};

export type AuthedCtx = Ctx & { actor: Actor };

export function requireActor(ctx: Ctx): asserts ctx is AuthedCtx {
  if (!ctx.actor) throw unauthorized();
}

/** Runs fn in one transaction; inside it only the transaction handle is used (ctx.db is replaced). */
export async function withTx<T>(ctx: Ctx, fn: (tx: Ctx & { db: Transaction<DB> }) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx as Ctx & { db: Transaction<DB> });
  return (ctx.db as Database).transaction().execute((trx) => fn({ ...ctx, db: trx }));
}

/** A context for the CLI and jobs: acts as the system (or as a named user), with no request. */
export function systemCtx(db: Database, actor: Actor | null = null): Ctx {
  return { db, actor, ip: null, userAgent: 'kefu-cli' };
}
