// SQL of the customer base. Every read of a customer or of anything it owns goes through scopedCustomers, so
// branch scoping cannot be forgotten.
import { sql } from 'kysely';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { scopeToBranch } from '../../platform/permissions.ts';
import type { ContactValues, CustomerValues } from './prepare.ts';
import type { CustomerStatus } from './tables.ts';

/** withTx for an authenticated context: the transaction keeps the actor's type. */
export const inTx = <T>(ctx: AuthedCtx, fn: (tx: AuthedCtx) => Promise<T>): Promise<T> =>
  withTx(ctx, (t) => fn(t as AuthedCtx));

export const CUSTOMER_COLUMNS = [
  'customers.id',
  'customers.code',
  'customers.kind',
  'customers.name',
  'customers.status',
  'customers.merged_into_id',
  'customers.branch_id',
  'customers.owner_id',
  'customers.source_channel',
  'customers.tier',
  'customers.tags',
  'customers.notes',
  'customers.id_type',
  'customers.id_number',
  'customers.gender',
  'customers.birth_date',
  'customers.phone',
  'customers.phone_backup',
  'customers.email',
  'customers.address',
  'customers.occupation',
  'customers.employer',
  'customers.registered_name',
  'customers.credit_code',
  'customers.industry',
  'customers.risk_level',
  'customers.purpose',
  'customers.assets_under_custody',
  'customers.profile',
  'customers.relationship',
  'customers.custom',
  'customers.last_contact_at',
  'customers.created_at',
  'customers.updated_at',
  'customers.version',
] as const;

export const SUMMARY_COLUMNS = [
  'customers.id',
  'customers.code',
  'customers.kind',
  'customers.name',
  'customers.status',
  'customers.merged_into_id',
  'customers.branch_id',
  'customers.owner_id',
  'customers.tier',
  'customers.tags',
  'customers.id_type',
  'customers.id_number',
  'customers.phone',
  'customers.registered_name',
  'customers.risk_level',
  'customers.custom',
  'customers.last_contact_at',
  'customers.created_at',
  'customers.updated_at',
] as const;

/** Customers the actor may see, with the owner's name. The base of every customer read. */
export function scopedCustomers(ctx: AuthedCtx) {
  return scopeToBranch(
    ctx.db
      .selectFrom('customers')
      .leftJoin('users as owner', 'owner.id', 'customers.owner_id')
      .select('owner.display_name as owner_name'),
    ctx.actor,
    'customers.branch_id',
  );
}

export async function findCustomer(ctx: AuthedCtx, id: number) {
  const row = await scopedCustomers(ctx)
    .select(CUSTOMER_COLUMNS)
    .where('customers.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('CUSTOMER_NOT_FOUND', 'Customer not found');
  return row;
}
export type CustomerRow = Awaited<ReturnType<typeof findCustomer>>;

/** Locks a customer in the actor's scope for a write; 404 when it is not there. */
export async function lockCustomer(ctx: AuthedCtx, id: number) {
  const row = await scopeToBranch(
    ctx.db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('customers.id', '=', id),
    ctx.actor,
    'customers.branch_id',
  )
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('CUSTOMER_NOT_FOUND', 'Customer not found');
  return row;
}

/** Checks a customer is visible to the actor (for child resources); returns its branch. */
export async function assertCustomerVisible(ctx: AuthedCtx, id: number) {
  const row = await scopeToBranch(
    ctx.db
      .selectFrom('customers')
      .select(['customers.id', 'customers.branch_id', 'customers.status'])
      .where('customers.id', '=', id),
    ctx.actor,
    'customers.branch_id',
  ).executeTakeFirst();
  if (!row) throw notFound('CUSTOMER_NOT_FOUND', 'Customer not found');
  return row;
}

export async function contactsOf(ctx: Ctx, customerIds: number[]) {
  if (customerIds.length === 0) return [];
  return ctx.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('customer_id', 'in', customerIds)
    .orderBy('customer_id')
    .orderBy('position')
    .orderBy('id')
    .execute();
}
export type ContactRow = Awaited<ReturnType<typeof contactsOf>>[number];

/** Stored row → the values the write path works on. */
export function rowValues(r: CustomerRow | Record<string, any>): CustomerValues {
  const bd = r.birth_date as Date | string | null;
  return {
    code: r.code,
    kind: r.kind,
    name: r.name,
    status: r.status,
    branch_id: r.branch_id,
    owner_id: r.owner_id,
    source_channel: r.source_channel,
    tier: r.tier,
    tags: r.tags ?? [],
    notes: r.notes,
    id_type: r.id_type,
    id_number: r.id_number,
    gender: r.gender,
    birth_date: bd == null ? null : typeof bd === 'string' ? bd : dateOnly(bd),
    phone: r.phone,
    phone_backup: r.phone_backup,
    email: r.email,
    address: r.address,
    occupation: r.occupation,
    employer: r.employer,
    registered_name: r.registered_name,
    credit_code: r.credit_code,
    industry: r.industry,
    risk_level: r.risk_level,
    purpose: r.purpose,
    assets_under_custody: r.assets_under_custody,
    profile: (r.profile as Record<string, unknown>) ?? {},
    relationship: (r.relationship as Record<string, unknown>) ?? {},
    custom: (r.custom as Record<string, unknown>) ?? {},
  };
}

/** A DATE column comes back as local midnight; format it back without a time-zone shift. */
export function dateOnly(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A customer's values as the columns of its row. */
export function customerColumns(v: CustomerValues) {
  return {
    ...v,
    status: v.status as CustomerStatus,
    profile: JSON.stringify(v.profile),
    relationship: JSON.stringify(v.relationship),
    custom: JSON.stringify(v.custom),
  };
}

export async function insertCustomer(ctx: Ctx, v: CustomerValues) {
  return ctx.db
    .insertInto('customers')
    .values({ ...customerColumns(v), created_by: ctx.actor?.id ?? null, updated_by: ctx.actor?.id ?? null })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export async function updateCustomerRow(ctx: Ctx, id: number, v: CustomerValues) {
  await ctx.db
    .updateTable('customers')
    .set({
      ...customerColumns(v),
      updated_by: ctx.actor?.id ?? null,
      updated_at: sql`now()`,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .execute();
}

/** Replaces a customer's contacts (keeping the ids of those that stay) and the search copies on the customer. */
export async function replaceContacts(ctx: Ctx, customerId: number, list: ContactValues[]) {
  const keep = list.map((c) => c.id).filter((x): x is number => !!x);
  await ctx.db
    .deleteFrom('customer_contacts')
    .where('customer_id', '=', customerId)
    .$if(keep.length > 0, (q) => q.where('id', 'not in', keep))
    .execute();
  for (const [i, c] of list.entries()) {
    const values = {
      name: c.name,
      role: c.role,
      phone: c.phone,
      phone_backup: c.phone_backup,
      email: c.email,
      is_primary: c.is_primary,
      notes: c.notes,
      position: i,
    };
    const updated = c.id
      ? await ctx.db
          .updateTable('customer_contacts')
          .set({ ...values, updated_at: sql`now()` })
          .where('customer_id', '=', customerId)
          .where('id', '=', c.id)
          .executeTakeFirst()
      : null;
    if (!updated || Number(updated.numUpdatedRows) === 0)
      await ctx.db
        .insertInto('customer_contacts')
        .values({ ...values, customer_id: customerId })
        .execute();
  }
  await syncContactSearch(ctx, customerId);
}

/** Copies contact names and phones onto the customer, where the generated search columns pick them up. */
export async function syncContactSearch(ctx: Ctx, customerId: number) {
  await sql`
    update customers c set
      contact_names = coalesce((select array_agg(name order by position, id) from customer_contacts where customer_id = c.id), '{}'),
      contact_phones = coalesce((select array_agg(p) from customer_contacts cc, unnest(array[cc.phone, cc.phone_backup]) p
                                  where cc.customer_id = c.id and p is not null), '{}')
    where c.id = ${customerId}`.execute(ctx.db);
}

export type HistoryRow = { field: string; old_value: unknown; new_value: unknown; action?: string };

export async function insertHistory(ctx: Ctx, customerId: number, rows: HistoryRow[]) {
  if (rows.length === 0) return;
  await ctx.db
    .insertInto('customer_history')
    .values(
      rows.map((r) => ({
        customer_id: customerId,
        actor_id: ctx.actor?.id ?? null,
        actor_name: ctx.actor?.displayName ?? null,
        action: r.action ?? 'update',
        field: r.field,
        old_value: r.old_value === undefined ? null : JSON.stringify(r.old_value),
        new_value: r.new_value === undefined ? null : JSON.stringify(r.new_value),
      })),
    )
    .execute();
}
