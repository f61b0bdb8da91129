// Duplicate detection (same ID number, same phone, similar name in a branch) and merge with nothing lost: every
// row that belongs to a merged customer moves to the survivor, empty fields of the survivor are filled, and the
// merged customers stay as status 'merged' pointing at the survivor so old references still resolve.
//
// Other modules' tables are found automatically: every column `customer_id` (with or without a foreign key) and
// every foreign key to customers(id) is repointed. A module whose table needs more than `update … set customer_id`
// (e.g. a unique (customer_id, x) constraint) registers its own mover with registerCustomerMerge().
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

export type CustomerMover = {
  /** The table this mover handles; the generic repointing skips it. */
  table: string;
  /** Moves the rows of `fromIds` to `toId` inside the merge's transaction; returns how many rows moved. */
  move: (tx: AuthedCtx, fromIds: number[], toId: number) => Promise<number>;
};
const movers = new Map<string, CustomerMover>();

/** Registers how a module's table moves from merged customers to the survivor (when the generic update is not enough). */
export function registerCustomerMerge(mover: CustomerMover) {
  movers.set(mover.table, mover);
}

// Contacts: the survivor keeps its primary contact; moved contacts come after its own.
registerCustomerMerge({
  table: 'customer_contacts',
  move: async (tx, fromIds, toId) => {
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
    return Number(r.numUpdatedRows);
  },
});

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

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/**
 * Points a table's rows from the merged customers to the survivor. When a unique key would collide (the survivor
 * already is in that segment, campaign, period …) the rows move one by one and a colliding row stays with the
 * merged customer — kept, never deleted, and still reachable through merged_into_id.
 */
async function repoint(tx: AuthedCtx, table: string, column: string, fromIds: number[], toId: number) {
  const t = sql.table(table);
  const c = sql.ref(column);
  await sql`savepoint kefu_merge`.execute(tx.db);
  try {
    const r = await sql`update ${t} set ${c} = ${toId} where ${c} = any(${fromIds}::bigint[])`.execute(tx.db);
    await sql`release savepoint kefu_merge`.execute(tx.db);
    return { moved: Number(r.numAffectedRows ?? 0), kept: 0 };
  } catch (e) {
    await sql`rollback to savepoint kefu_merge`.execute(tx.db);
    if (!isUniqueViolation(e)) throw e;
  }
  const rows = await sql<{
    id: string;
  }>`select ctid::text as id from ${t} where ${c} = any(${fromIds}::bigint[])`.execute(tx.db);
  let moved = 0;
  let kept = 0;
  for (const row of rows.rows) {
    await sql`savepoint kefu_merge_row`.execute(tx.db);
    try {
      await sql`update ${t} set ${c} = ${toId} where ctid = ${row.id}::tid`.execute(tx.db);
      await sql`release savepoint kefu_merge_row`.execute(tx.db);
      moved++;
    } catch (e) {
      await sql`rollback to savepoint kefu_merge_row`.execute(tx.db);
      if (!isUniqueViolation(e)) throw e;
      kept++;
    }
  }
  return { moved, kept };
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

    const counts: Record<string, number> = {};
    const kept: Record<string, number> = {};
    for (const ref of await customerReferences(tx)) {
      const mover = movers.get(ref.table);
      if (mover) {
        if (ref.column === 'customer_id') counts[ref.table] = await mover.move(tx, sources, survivorId);
        continue;
      }
      const r = await repoint(tx, ref.table, ref.column, sources, survivorId);
      counts[ref.table] = (counts[ref.table] ?? 0) + r.moved;
      if (r.kept) kept[ref.table] = (kept[ref.table] ?? 0) + r.kept;
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
    const codes = srcRows.map((s) => s.code);
    await insertHistory(tx, survivorId, [
      ...changes(before, snapshot(after)).map((h) => ({ ...h, action: 'merge' })),
      { action: 'merge', field: 'mergedFrom', old_value: null, new_value: { ids: sources, codes } },
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
      meta: { survivorId, mergedIds: sources, mergedCodes: codes, moved: counts, keptOnMerged: kept },
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
