// Duplicate detection (same ID number, same phone, similar name in a branch) and merge with nothing lost: every
// row that belongs to a merged customer becomes the survivor's, empty fields of the survivor are filled, and the
// merged customers stay as status 'merged' pointing at the survivor so old references still resolve.
//
// Every merge first writes its correcting record, a row of the append-only customer_merges (survivor, merged ids,
// who, when). Other modules' tables are then found automatically: every column `customer_id` (with or without a
// foreign key) and every foreign key to customers(id) is repointed with `update … set customer_id = survivor`.
// - A module whose table needs more than that registers its own mover with registerCustomerMerge(): contacts
//   (one primary), and suitability, whose append-only records are never updated — it copies them onto the survivor
//   as new rows that name the original and the merge (modules/suitability/merge.ts).
// - A unique key that would collide (the survivor is already in that campaign, segment, period, callback sample …)
//   is resolved the same way everywhere: the survivor's row is kept as it is, the merged customer's row stays with
//   the merged customer (never deleted, still reachable through merged_into_id and the merge record), and its key
//   is written to the merge's audit row (`keptRows`).
// - A table that refuses the update (an immutable table without a mover, or one the app's database role may not
//   update) is left as it is: the merge record is what makes those rows the survivor's (`linkedByMergeRecord`).
import { type SqlBool, sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { grams } from './normalize.ts';
import {
  CUSTOMER_COLUMNS,
  type CustomerRow,
  insertHistory,
  inTx,
  lockCustomer,
  rowValues,
  SUMMARY_COLUMNS,
  scopedCustomers,
  syncContactSearch,
  updateCustomerRow,
} from './repo.ts';
import { changes, customerSummaryOut, getCustomer, snapshot } from './service.ts';

export type MergeStep = {
  /** The merge's correcting record (customer_merges.id). */
  mergeId: number;
  fromIds: number[];
  toId: number;
  toBranchId: number;
};
export type CustomerMover = {
  /** The tables this mover handles; the generic repointing skips them. */
  tables: string[];
  /** Carries the rows of `fromIds` over to `toId` inside the merge's transaction; returns the rows per table. */
  move: (tx: AuthedCtx, m: MergeStep) => Promise<Record<string, number>>;
};
const movers = new Map<string, CustomerMover>();

/** Registers how a module's tables move from merged customers to the survivor (when the generic update is not enough). */
export function registerCustomerMerge(mover: CustomerMover) {
  for (const t of mover.tables) movers.set(t, mover);
}

// Contacts: the survivor keeps its primary contact; moved contacts come after its own.
registerCustomerMerge({
  tables: ['customer_contacts'],
  move: async (tx, { fromIds, toId }) => {
    const hasPrimary = await tx.db
      .selectFrom('customer_contacts')
      .select('id')
      .where('customer_id', '=', toId)
      .where('is_primary', '=', true)
      .executeTakeFirst();
    const r = await tx.db
      .updateTable('customer_contacts')
      .set({
        customer_id: toId,
        position: sql`position + 1000`,
        ...(hasPrimary && { is_primary: false }),
      })
      .where('customer_id', 'in', fromIds)
      .executeTakeFirst();
    await syncContactSearch(tx, toId);
    return { customer_contacts: Number(r.numUpdatedRows) };
  },
});

// The merge records themselves are never repointed: an earlier merge into a merged customer stays as it was, and
// its merged customers point at the new survivor through merged_into_id (updated below, so there are no chains).
registerCustomerMerge({ tables: ['customer_merges'], move: async () => ({}) });

/** Tables (other than customers itself) with a customer column: every `customer_id` and every FK to customers. */
export async function customerReferences(tx: AuthedCtx): Promise<{ table: string; column: string }[]> {
  const r = await sql<{ table: string; column: string }>`
    select c.table_name as table, c.column_name as column
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = current_schema() and c.column_name = 'customer_id' and t.table_type = 'BASE TABLE'
    union
    select cl.relname, a.attname
      from pg_constraint k
      join pg_class cl on cl.oid = k.conrelid
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
     where k.contype = 'f' and k.confrelid = 'customers'::regclass and array_length(k.conkey, 1) = 1
    order by 1, 2`.execute(tx.db);
  return r.rows.filter((x) => x.table !== 'customers');
}

const pgCode = (e: unknown) => (e as { code?: string })?.code;
const isUniqueViolation = (e: unknown) => pgCode(e) === '23505';
/** 42501: a trigger that refuses changes (refuse_change()) or a role without UPDATE on the table. */
const isRefused = (e: unknown) => pgCode(e) === '42501';

/** At most this many kept rows' keys are listed per table in the audit row (the count is always complete). */
const KEPT_LISTED = 200;

/** The primary-key columns of a table (empty when it has none). */
async function primaryKey(tx: AuthedCtx, table: string) {
  const r = await sql<{ name: string }>`
    select a.attname as name
      from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
     where i.indrelid = ${table}::regclass and i.indisprimary
     order by array_position(i.indkey::int2[], a.attnum)`.execute(tx.db);
  return r.rows.map((x) => x.name);
}

type Repointed = { moved: number; kept: number; keptRows: unknown[]; linked: number };

/**
 * Points a table's rows from the merged customers to the survivor. When a unique key would collide the rows move
 * one by one: the survivor's row stays as it is and the colliding row stays with the merged customer — kept,
 * never deleted — and its key is returned. A table that refuses the update keeps its rows (`linked`).
 */
async function repoint(
  tx: AuthedCtx,
  table: string,
  column: string,
  fromIds: number[],
  toId: number,
): Promise<Repointed> {
  const t = sql.table(table);
  const c = sql.ref(column);
  const count = async () =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from ${t} where ${c} = any(${fromIds}::bigint[])`.execute(tx.db)
      ).rows[0].n,
    );
  await sql`savepoint kefu_merge`.execute(tx.db);
  try {
    const r = await sql`update ${t} set ${c} = ${toId} where ${c} = any(${fromIds}::bigint[])`.execute(tx.db);
    await sql`release savepoint kefu_merge`.execute(tx.db);
    return { moved: Number(r.numAffectedRows ?? 0), kept: 0, keptRows: [], linked: 0 };
  } catch (e) {
    await sql`rollback to savepoint kefu_merge`.execute(tx.db);
    if (isRefused(e)) return { moved: 0, kept: 0, keptRows: [], linked: await count() };
    if (!isUniqueViolation(e)) throw e;
  }
  const pk = await primaryKey(tx, table);
  const key = pk.length
    ? sql`jsonb_build_object(${sql.join(pk.flatMap((k) => [sql.lit(k), sql.ref(`x.${k}`)]))})`
    : sql`to_jsonb(x)`;
  const rows = await sql<{
    tid: string;
    key: unknown;
  }>`select x.ctid::text as tid, ${key} as key from ${t} x where x.${c} = any(${fromIds}::bigint[])`.execute(
    tx.db,
  );
  const out: Repointed = { moved: 0, kept: 0, keptRows: [], linked: 0 };
  for (const row of rows.rows) {
    await sql`savepoint kefu_merge_row`.execute(tx.db);
    try {
      await sql`update ${t} set ${c} = ${toId} where ctid = ${row.tid}::tid`.execute(tx.db);
      await sql`release savepoint kefu_merge_row`.execute(tx.db);
      out.moved++;
    } catch (e) {
      await sql`rollback to savepoint kefu_merge_row`.execute(tx.db);
      if (isRefused(e)) {
        out.linked++;
        continue;
      }
      if (!isUniqueViolation(e)) throw e;
      out.kept++;
      if (out.keptRows.length < KEPT_LISTED) out.keptRows.push(row.key);
    }
  }
  return out;
}

/** The customer with the most filled-in fields would be a good survivor; the caller chooses. */
async function fillFrom(survivor: CustomerRow, sources: CustomerRow[]) {
  const v = rowValues(survivor);
  const empty = (x: unknown) => x == null || x === '' || (Array.isArray(x) && x.length === 0);
  const SKIP = new Set([
    'code',
    'kind',
    'name',
    'status',
    'branch_id',
    'tags',
    'notes',
    'profile',
    'relationship',
    'custom',
  ]);
  for (const s of sources) {
    const sv = rowValues(s);
    for (const k of Object.keys(v) as (keyof typeof v)[]) {
      if (SKIP.has(k)) continue;
      if (empty(v[k]) && !empty(sv[k])) (v as any)[k] = sv[k];
    }
    for (const block of ['profile', 'relationship', 'custom'] as const) {
      const merged = { ...v[block] };
      for (const [k, x] of Object.entries(sv[block])) if (empty(merged[k]) && !empty(x)) merged[k] = x;
      v[block] = merged;
    }
    v.tags = [...new Set([...v.tags, ...sv.tags])];
    if (sv.notes && sv.notes !== v.notes && !(v.notes ?? '').includes(sv.notes))
      v.notes = v.notes ? `${v.notes}\n---\n[${sv.code}] ${sv.notes}` : sv.notes;
  }
  return v;
}

/**
 * Merges `sourceIds` into `survivorId`. All must be visible to the actor (else 404) and not merged already.
 * Returns the survivor and how many rows moved per table.
 */
export async function mergeCustomers(ctx: AuthedCtx, survivorId: number, sourceIds: number[]) {
  requirePermission(ctx.actor, 'customer.read', 'customer.merge');
  const sources = [...new Set(sourceIds)].filter((x) => x !== survivorId);
  if (sources.length === 0)
    throw badRequest('MERGE_NOTHING', 'Name at least one other customer to merge', { sourceIds: 'REQUIRED' });
  const moved = await inTx(ctx, async (tx) => {
    // Lock in id order so two merges of overlapping sets cannot deadlock.
    const locked = new Map<number, CustomerRow>();
    for (const id of [survivorId, ...sources].sort((a, b) => a - b))
      locked.set(id, { ...(await lockCustomer(tx, id)), owner_name: null } as CustomerRow);
    for (const c of locked.values())
      if (c.status === 'merged')
        throw badRequest('CUSTOMER_MERGED', `Customer ${c.code} was merged already`, {
          sourceIds: 'CUSTOMER_MERGED',
        });
    const survivor = locked.get(survivorId)!;
    const srcRows = sources.map((id) => locked.get(id)!);

    const codes = srcRows.map((s) => s.code);
    // The correcting record first: whatever cannot be repointed is the survivor's through it.
    const merge = await tx.db
      .insertInto('customer_merges')
      .values({ survivor_id: survivorId, merged_ids: sources, merged_codes: codes, merged_by: ctx.actor.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const step: MergeStep = {
      mergeId: merge.id,
      fromIds: sources,
      toId: survivorId,
      toBranchId: survivor.branch_id,
    };

    const counts: Record<string, number> = {};
    const kept: Record<string, number> = {};
    const keptRows: Record<string, unknown[]> = {};
    const linked: Record<string, number> = {};
    const done = new Set<CustomerMover>();
    for (const ref of await customerReferences(tx)) {
      const mover = movers.get(ref.table);
      if (mover) {
        if (done.has(mover)) continue;
        done.add(mover);
        Object.assign(counts, await mover.move(tx, step));
        continue;
      }
      const r = await repoint(tx, ref.table, ref.column, sources, survivorId);
      counts[ref.table] = (counts[ref.table] ?? 0) + r.moved;
      if (r.kept) {
        kept[ref.table] = (kept[ref.table] ?? 0) + r.kept;
        keptRows[ref.table] = [...(keptRows[ref.table] ?? []), ...r.keptRows];
      }
      if (r.linked) linked[ref.table] = (linked[ref.table] ?? 0) + r.linked;
    }
    // Customers merged earlier into a source now point at the survivor (no chains).
    await tx.db
      .updateTable('customers')
      .set({ merged_into_id: survivorId })
      .where('merged_into_id', 'in', sources)
      .execute();

    const before = snapshot(rowValues(survivor));
    const after = await fillFrom(survivor, srcRows);
    await updateCustomerRow(tx, survivorId, after);
    await tx.db
      .updateTable('customers')
      .set({
        last_contact_at: sql`(select max(last_contact_at) from customers where id = any(${[survivorId, ...sources]}::bigint[]))`,
      })
      .where('id', '=', survivorId)
      .execute();
    await insertHistory(tx, survivorId, [
      ...changes(before, snapshot(after)).map((h) => ({ ...h, action: 'merge' })),
      {
        action: 'merge',
        field: 'mergedFrom',
        old_value: null,
        new_value: { ids: sources, codes, mergeId: merge.id },
      },
    ]);
    for (const s of srcRows) {
      await tx.db
        .updateTable('customers')
        .set({
          status: 'merged',
          merged_into_id: survivorId,
          updated_at: sql`now()`,
          updated_by: ctx.actor.id,
          version: sql`version + 1`,
        })
        .where('id', '=', s.id)
        .execute();
      await insertHistory(tx, s.id, [
        { action: 'merge', field: 'status', old_value: s.status, new_value: 'merged' },
        { action: 'merge', field: 'mergedIntoId', old_value: null, new_value: survivorId },
      ]);
    }
    await audit(tx, {
      action: 'customer.merged',
      entity: 'customer',
      entityId: survivorId,
      branchId: survivor.branch_id,
      meta: {
        mergeId: merge.id,
        survivorId,
        mergedIds: sources,
        mergedCodes: codes,
        moved: counts,
        keptOnMerged: kept,
        keptRows,
        linkedByMergeRecord: linked,
      },
    });
    return counts;
  });
  return { customer: await getCustomer(ctx, survivorId), moved };
}

const exactPhone = (p: string) =>
  sql<SqlBool>`(customers.search_grams @> ${grams(p, 4)}::text[] and ('|' || customers.phone_digits || '|') like ${`%|${p}|%`})`;

/** Customers that look like the same person or organisation as this one, each with the reasons. */
export async function customerDuplicates(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'customer.read');
  const me = await scopedCustomers(ctx)
    .select(CUSTOMER_COLUMNS)
    .where('customers.id', '=', id)
    .executeTakeFirst();
  if (!me) throw notFound('CUSTOMER_NOT_FOUND', 'Customer not found');
  const phones = [me.phone, me.phone_backup].filter((p): p is string => !!p && p.length >= 4);
  const conds: ReturnType<typeof sql<SqlBool>>[] = [];
  if (me.id_number) conds.push(sql<SqlBool>`customers.id_number = ${me.id_number}`);
  if (me.credit_code) conds.push(sql<SqlBool>`customers.credit_code = ${me.credit_code}`);
  for (const p of phones) conds.push(exactPhone(p));
  conds.push(
    Array.from(me.name).length >= 3
      ? sql<SqlBool>`(customers.branch_id = ${me.branch_id} and (customers.name = ${me.name} or (customers.name % ${me.name} and similarity(customers.name, ${me.name}) >= 0.5)))`
      : sql<SqlBool>`(customers.branch_id = ${me.branch_id} and customers.name = ${me.name})`,
  );
  const rows = await scopedCustomers(ctx)
    .select([...SUMMARY_COLUMNS, 'customers.phone_backup', 'customers.credit_code', 'customers.phone_digits'])
    .where('customers.id', '!=', id)
    .where('customers.status', '!=', 'merged')
    .where(sql<SqlBool>`(${sql.join(conds, sql` or `)})`)
    .orderBy('customers.id')
    .limit(50)
    .execute();
  return rows.map((r) => {
    const reasons: string[] = [];
    if (me.id_number && r.id_number === me.id_number) reasons.push('id_number');
    if (me.credit_code && r.credit_code === me.credit_code) reasons.push('credit_code');
    if (phones.some((p) => `|${r.phone_digits}|`.includes(`|${p}|`))) reasons.push('phone');
    if (r.branch_id === me.branch_id && (r.name === me.name || reasons.length === 0)) reasons.push('name');
    return { customer: customerSummaryOut(ctx.actor, r), reasons };
  });
}

/**
 * Groups of likely duplicates across the actor's branches, by one key: same ID number, same main phone, or same
 * name in the same branch. Bounded: at most `limit` groups of at most 20 customers.
 */
export async function duplicateGroups(
  ctx: AuthedCtx,
  q: { by: 'id_number' | 'phone' | 'name'; limit: number },
) {
  requirePermission(ctx.actor, 'customer.read', 'customer.merge');
  const key =
    q.by === 'id_number'
      ? sql`customers.id_number`
      : q.by === 'phone'
        ? sql`customers.phone`
        : sql`customers.branch_id::text || ':' || customers.name`;
  const groups = await scopedCustomers(ctx)
    .clearSelect()
    .select(sql<number[]>`(array_agg(customers.id order by customers.id))[1:20]`.as('ids'))
    .where('customers.status', '!=', 'merged')
    .where(sql<SqlBool>`${key} is not null`)
    .groupBy(key)
    .having(sql<SqlBool>`count(*) > 1`)
    .limit(q.limit)
    .execute()
    .then((gs) => gs.map((g) => ({ ids: g.ids.map(Number) })));
  const ids = groups.flatMap((g) => g.ids);
  const rows = ids.length
    ? await scopedCustomers(ctx).select(SUMMARY_COLUMNS).where('customers.id', 'in', ids).execute()
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return groups.map((g) => ({
    by: q.by,
    customers: g.ids.filter((i) => byId.has(i)).map((i) => customerSummaryOut(ctx.actor, byId.get(i)!)),
  }));
}
