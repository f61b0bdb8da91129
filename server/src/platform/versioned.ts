// The one locked, versioned update of a record and its audit row: lock the row, check the version the client saw
// (409 VERSION_CONFLICT when it moved on), patch it, bump `version`, write the audit row — all in the caller's
// transaction. The caller still validates its input and checks permissions; a guard test
// (src/test/versioned.test.ts) keeps modules from writing this sequence out again.
import { type Selectable, sql, type Transaction, type UpdateObject } from 'kysely';
import type { DB } from '../db/types.ts';
import { type AuditEntry, audit, diff } from './audit.ts';
import type { Ctx } from './context.ts';
import { conflict, notFound } from './errors.ts';
import { type Actor, scopeToBranch } from './permissions.ts';

/** The tables whose rows carry an `id`, a `version` and an `updated_at`. */
export type VersionedTable = {
  [T in keyof DB]: DB[T] extends { id: unknown; version: unknown; updated_at: unknown } ? T : never;
}[keyof DB];

export type VersionedRow<T extends VersionedTable> = Selectable<DB[T]>;
export type VersionedPatch<T extends VersionedTable> = Omit<UpdateObject<DB, T>, 'id' | 'version'>;

type MaybePromise<X> = X | Promise<X>;

export type UpdateVersioned<T extends VersionedTable> = {
  table: T;
  id: number;
  /** The version the client saw; `undefined` skips the check (a write that does not come from an edit form). */
  version: number | undefined;
  /** The columns locked, read and returned (all by default). */
  columns?: readonly string[];
  /** Only rows of the actor's branches are found (others answer notFound, so their existence does not leak). */
  branchScope?: { actor: Actor; column: string };
  /** The 404 of a missing row: its code and message. */
  notFound: [code: string, message: string];
  /**
   * The 409 of a stale version: its message and what it carries as `current` (the row's version by default; a
   * function gives e.g. the record as the API shows it; `null` sends no details). Needed only with a `version`.
   */
  conflict?: { message: string; current?: ((row: VersionedRow<T>) => MaybePromise<unknown>) | null };
  /**
   * The change, from the locked row. Checks that need the row run here and throw; `updated_at` is set to now()
   * unless given. Returning null changes nothing (no update, no bump, no audit row).
   */
  patch: (before: VersionedRow<T>) => MaybePromise<VersionedPatch<T> | null>;
  /**
   * The audit row. `record` says what the row shows as before/after: the changed fields (`diff`, the default),
   * both rows whole (`full`), or a function of the two rows.
   */
  audit: Omit<AuditEntry, 'entityId' | 'before' | 'after' | 'branchId' | 'meta'> & {
    branchId?: number | null | ((before: VersionedRow<T>, after: VersionedRow<T>) => number | null);
    record?:
      | 'diff'
      | 'full'
      | ((
          before: VersionedRow<T>,
          after: VersionedRow<T>,
        ) => MaybePromise<Pick<AuditEntry, 'before' | 'after' | 'meta'>>);
    meta?: unknown;
  };
};

/**
 * Locks, checks, patches and audits one record; call it inside the caller's transaction (`withTx`), as the lock
 * holds only until that ends.
 * Returns the row as it was and as it is now (`changed` false when the patch was null).
 */
export async function updateVersioned<T extends VersionedTable>(
  tx: Ctx,
  o: UpdateVersioned<T>,
): Promise<{ before: VersionedRow<T>; after: VersionedRow<T>; changed: boolean }> {
  // Kysely cannot follow a generic table name through its builders; the public types above carry the checking.
  const db = tx.db as unknown as Transaction<any>;
  const table = o.table as string;
  const cols = o.columns as any;
  let lock: any = db.selectFrom(table);
  lock = (cols ? lock.select(cols) : lock.selectAll()).where('id', '=', o.id);
  if (o.branchScope) lock = scopeToBranch(lock, o.branchScope.actor, o.branchScope.column);
  const before = (await lock.forUpdate().executeTakeFirst()) as VersionedRow<T> | undefined;
  if (!before) throw notFound(...o.notFound);
  const seen = (before as { version: number }).version;
  if (o.version !== undefined && seen !== o.version) {
    const c = o.conflict ?? { message: 'Someone else changed this record; reload and try again' };
    const current = c.current === undefined ? seen : c.current && (await c.current(before));
    throw conflict('VERSION_CONFLICT', c.message, c.current === null ? undefined : { current });
  }
  const patch = await o.patch(before);
  if (!patch) return { before, after: before, changed: false };
  const after = (await db
    .updateTable(table)
    .set({ updated_at: sql`now()`, ...(patch as object), version: sql`version + 1` })
    .where('id', '=', o.id)
    .$call((q: any) => (cols ? q.returning(cols) : q.returningAll()))
    .executeTakeFirstOrThrow()) as VersionedRow<T>;
  const { record = 'diff', branchId, meta, ...entry } = o.audit;
  const shown =
    record === 'diff'
      ? diff(before as Record<string, unknown>, after as Record<string, unknown>)
      : record === 'full'
        ? { before, after }
        : await record(before, after);
  await audit(tx, {
    ...entry,
    entityId: o.id,
    ...(branchId !== undefined && {
      branchId: typeof branchId === 'function' ? branchId(before, after) : branchId,
    }),
    ...(meta !== undefined && { meta }),
    ...shown,
  });
  return { before, after, changed: true };
}
