// Customer search and filtering: one search box (name by 2-character substring, code, any 4+ digits of a phone,
// ID number, contact name), filters on every built-in and custom field, keyset pagination and bounded counts.
//
// Name and phone search use the generated `search_grams` column (GIN): the query's 2-grams (names) or 4-grams
// (digits) must all be present, then a LIKE on `search_text` / `phone_digits` rechecks the real substring.
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { type CustomFieldDef, loadCustomFields } from './custom-fields.ts';
import {
  grams,
  likeEscape,
  normalizeCode,
  normalizeIdNumber,
  normalizePhone,
  normalizeQuery,
} from './normalize.ts';
import { SUMMARY_COLUMNS, scopedCustomers } from './repo.ts';
import type { TCustomerQuery, ZFilter } from './schema.ts';
import { customerSummaryOut } from './service.ts';

type Filter = z.infer<typeof ZFilter>;
type Cond = RawBuilder<SqlBool>;
export const COUNT_CAP = 10_000;

/** The search box: OR of every way a customer can be found by one string. */
export function searchCondition(q: string): Cond {
  const conds: Cond[] = [];
  const code = normalizeCode(q);
  if (code) conds.push(sql<SqlBool>`customers.code = ${code}`);
  const idn = normalizeIdNumber(q);
  if (idn && /^[0-9A-Z]{6,}$/.test(idn)) {
    conds.push(sql<SqlBool>`customers.id_number = ${idn}`);
    if (idn.length === 18) conds.push(sql<SqlBool>`customers.credit_code = ${idn}`);
  }
  const digits = normalizePhone(q);
  if (digits && /^\d{4,20}$/.test(digits))
    conds.push(
      sql<SqlBool>`(customers.search_grams @> ${grams(digits, 4)}::text[] and customers.phone_digits like ${`%${digits}%`})`,
    );
  const name = normalizeQuery(q);
  if (Array.from(name).length >= 2)
    conds.push(
      sql<SqlBool>`(customers.search_grams @> ${grams(name, 2)}::text[] and customers.search_text like ${`%${likeEscape(name)}%`})`,
    );
  if (conds.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(conds, sql` or `)})`;
}

type FieldType = 'text' | 'enum' | 'number' | 'date' | 'timestamp' | 'id' | 'tags';
const BUILTIN: Record<string, [string, FieldType]> = {
  code: ['code', 'text'],
  kind: ['kind', 'enum'],
  name: ['name', 'text'],
  status: ['status', 'enum'],
  branchId: ['branch_id', 'id'],
  ownerId: ['owner_id', 'id'],
  sourceChannel: ['source_channel', 'text'],
  tier: ['tier', 'text'],
  tags: ['tags', 'tags'],
  notes: ['notes', 'text'],
  idType: ['id_type', 'enum'],
  idNumber: ['id_number', 'text'],
  gender: ['gender', 'enum'],
  birthDate: ['birth_date', 'date'],
  phone: ['phone', 'text'],
  phoneBackup: ['phone_backup', 'text'],
  email: ['email', 'text'],
  address: ['address', 'text'],
  occupation: ['occupation', 'text'],
  employer: ['employer', 'text'],
  registeredName: ['registered_name', 'text'],
  creditCode: ['credit_code', 'text'],
  industry: ['industry', 'text'],
  riskLevel: ['risk_level', 'enum'],
  purpose: ['purpose', 'enum'],
  assetsUnderCustody: ['assets_under_custody', 'number'],
  lastContactAt: ['last_contact_at', 'timestamp'],
  createdAt: ['created_at', 'timestamp'],
  updatedAt: ['updated_at', 'timestamp'],
  mergedIntoId: ['merged_into_id', 'id'],
};
const PROFILE_TEXT = new Set([
  'preferences',
  'financialInfo',
  'taxInfo',
  'orgStructure',
  'legalRepresentative',
  'investmentNeeds',
  'investmentExperience',
  'tradingFrequency',
]);
const PROFILE_LISTS = new Set(['typicalProducts']);
const RELATIONSHIP_TEXT = new Set(['history', 'current', 'expected']);
const RELATIONSHIP_LISTS = new Set(['competitors']);

class FilterError extends Error {}
const bad = (why: string): never => {
  throw new FilterError(why);
};

function coerce(type: FieldType | 'text', v: unknown): unknown {
  switch (type) {
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : bad('VALUE_NUMBER');
    }
    case 'id': {
      const n = Number(v);
      return Number.isSafeInteger(n) && n > 0 ? n : bad('VALUE_ID');
    }
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : bad('VALUE_DATE');
    case 'timestamp':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v))
        ? new Date(v).toISOString()
        : bad('VALUE_TIME');
    default:
      return typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 200) : bad('VALUE_TEXT');
  }
}
const list = (v: unknown): unknown[] =>
  Array.isArray(v) && v.length > 0 && v.length <= 200 ? v : bad('VALUE_LIST');

/** Normalises values of fields stored normalised, so a filter typed as people write matches. */
function normalizeFor(field: string, v: unknown) {
  if (typeof v !== 'string') return v;
  if (field === 'phone' || field === 'phoneBackup') return normalizePhone(v) ?? v;
  if (field === 'idNumber' || field === 'creditCode') return normalizeIdNumber(v) ?? v;
  if (field === 'code') return normalizeCode(v) ?? v;
  return v;
}

function compare(col: RawBuilder<unknown>, type: FieldType, f: Filter, field: string): Cond {
  const val = () => normalizeFor(field, coerce(type, f.value));
  const typed = (x: unknown) =>
    type === 'timestamp'
      ? sql`${x}::timestamptz`
      : type === 'date'
        ? sql`${x}::date`
        : type === 'number'
          ? sql`${x}::numeric`
          : sql`${x}`;
  switch (f.op) {
    case 'eq':
      return sql<SqlBool>`${col} = ${typed(val())}`;
    case 'ne':
      return sql<SqlBool>`${col} is distinct from ${typed(val())}`;
    case 'in': {
      const xs = list(f.value).map((x) => normalizeFor(field, coerce(type, x)));
      return sql<SqlBool>`${col} in (${sql.join(xs.map(typed))})`;
    }
    case 'contains':
      if (type !== 'text') bad('OP_NOT_FOR_TYPE');
      return sql<SqlBool>`${col} ilike ${`%${likeEscape(String(val()))}%`}`;
    case 'gt':
      return sql<SqlBool>`${col} > ${typed(val())}`;
    case 'gte':
      return sql<SqlBool>`${col} >= ${typed(val())}`;
    case 'lt':
      return sql<SqlBool>`${col} < ${typed(val())}`;
    case 'lte':
      return sql<SqlBool>`${col} <= ${typed(val())}`;
    case 'between': {
      const [a, b] = list(f.value);
      return sql<SqlBool>`${col} between ${typed(coerce(type, a))} and ${typed(coerce(type, b))}`;
    }
    case 'empty':
      return type === 'text' ? sql<SqlBool>`coalesce(${col}::text, '') = ''` : sql<SqlBool>`${col} is null`;
    case 'notEmpty':
      return type === 'text'
        ? sql<SqlBool>`coalesce(${col}::text, '') <> ''`
        : sql<SqlBool>`${col} is not null`;
    default:
      return bad('OP_NOT_FOR_TYPE');
  }
}

function tagsFilter(f: Filter): Cond {
  const tags = (f.op === 'eq' ? [f.value] : f.op === 'empty' || f.op === 'notEmpty' ? [] : list(f.value)).map(
    (t) => String(coerce('text', t)),
  );
  switch (f.op) {
    case 'eq':
    case 'hasAll':
      return sql<SqlBool>`customers.tags @> ${tags}::text[]`;
    case 'hasAny':
    case 'in':
      return sql<SqlBool>`customers.tags && ${tags}::text[]`;
    case 'ne':
      return sql<SqlBool>`not (customers.tags @> ${[String(coerce('text', f.value))]}::text[])`;
    case 'empty':
      return sql<SqlBool>`customers.tags = '{}'`;
    case 'notEmpty':
      return sql<SqlBool>`customers.tags <> '{}'`;
    default:
      return bad('OP_NOT_FOR_TYPE');
  }
}

/** A jsonb containment test `col @> {key: value}`: served by the GIN index on custom. */
const contains = (col: string, key: string, value: unknown) =>
  sql<SqlBool>`${sql.ref(col)} @> ${JSON.stringify({ [key]: value })}::jsonb`;

function customFilter(def: CustomFieldDef, f: Filter): Cond {
  const k = def.key;
  const text = sql`customers.custom->>${k}`;
  if (f.op === 'empty') return sql<SqlBool>`customers.custom->${k} is null`;
  if (f.op === 'notEmpty') return sql<SqlBool>`customers.custom->${k} is not null`;
  switch (def.type) {
    case 'text':
      if (f.op === 'eq') return contains('customers.custom', k, String(coerce('text', f.value)));
      return compare(text, 'text', f, k);
    case 'single_choice': {
      if (f.op === 'eq') return contains('customers.custom', k, String(coerce('text', f.value)));
      if (f.op === 'in' || f.op === 'hasAny')
        return sql<SqlBool>`(${sql.join(
          list(f.value).map((x) => contains('customers.custom', k, String(x))),
          sql` or `,
        )})`;
      if (f.op === 'ne')
        return sql<SqlBool>`not ${contains('customers.custom', k, String(coerce('text', f.value)))}`;
      return bad('OP_NOT_FOR_TYPE');
    }
    case 'multi_choice': {
      const vals = (f.op === 'eq' || f.op === 'ne' ? [f.value] : list(f.value)).map((x) =>
        String(coerce('text', x)),
      );
      if (f.op === 'eq' || f.op === 'hasAll') return contains('customers.custom', k, vals);
      if (f.op === 'hasAny' || f.op === 'in')
        return sql<SqlBool>`(${sql.join(
          vals.map((x) => contains('customers.custom', k, [x])),
          sql` or `,
        )})`;
      if (f.op === 'ne') return sql<SqlBool>`not ${contains('customers.custom', k, vals)}`;
      return bad('OP_NOT_FOR_TYPE');
    }
    case 'number': {
      if (f.op === 'eq') return contains('customers.custom', k, coerce('number', f.value));
      const num = sql`(case when jsonb_typeof(customers.custom->${k}) = 'number' then (customers.custom->>${k})::numeric end)`;
      return compare(num, 'number', f, k);
    }
    case 'date':
      if (f.op === 'eq') return contains('customers.custom', k, coerce('date', f.value));
      return compare(text, 'text', { ...f, value: f.value }, k);
  }
}

function blockFilter(block: 'profile' | 'relationship', key: string, isList: boolean, f: Filter): Cond {
  if (isList) {
    if (f.op === 'empty') return sql<SqlBool>`customers.${sql.raw(block)}->${key} is null`;
    if (f.op === 'notEmpty') return sql<SqlBool>`customers.${sql.raw(block)}->${key} is not null`;
    const vals = (f.op === 'eq' ? [f.value] : list(f.value)).map((x) => String(coerce('text', x)));
    if (f.op === 'hasAny' || f.op === 'in')
      return sql<SqlBool>`(${sql.join(
        vals.map((x) => contains(`customers.${block}`, key, [x])),
        sql` or `,
      )})`;
    if (f.op === 'eq' || f.op === 'hasAll') return contains(`customers.${block}`, key, vals);
    return bad('OP_NOT_FOR_TYPE');
  }
  return compare(sql`customers.${sql.raw(block)}->>${key}`, 'text', f, key);
}

export function compileFilter(f: Filter, defs: CustomFieldDef[]): Cond {
  if (f.field.startsWith('custom.')) {
    const def = defs.find((d) => d.key === f.field.slice(7));
    if (!def) return bad('FIELD_UNKNOWN');
    return customFilter(def, f);
  }
  const [block, key] = f.field.split('.', 2);
  if (block === 'profile' && (PROFILE_TEXT.has(key) || PROFILE_LISTS.has(key)))
    return blockFilter('profile', key, PROFILE_LISTS.has(key), f);
  if (block === 'relationship' && (RELATIONSHIP_TEXT.has(key) || RELATIONSHIP_LISTS.has(key)))
    return blockFilter('relationship', key, RELATIONSHIP_LISTS.has(key), f);
  const b = BUILTIN[f.field];
  if (!b) return bad('FIELD_UNKNOWN');
  if (b[1] === 'tags') return tagsFilter(f);
  return compare(sql.ref(`customers.${b[0]}`), b[1], f, f.field);
}

const SORTS = {
  id: ['customers.id', 'bigint'],
  code: ['customers.code', 'text'],
  name: ['customers.name', 'text'],
  updatedAt: ['customers.updated_at', 'timestamptz'],
  createdAt: ['customers.created_at', 'timestamptz'],
} as const;

/**
 * The scoped, filtered query of a customer search, before sorting and paging — the exporter iterates over the
 * same query so an export contains exactly what the list shows.
 */
export async function customerSearchQuery(ctx: AuthedCtx, input: TCustomerQuery, defs?: CustomFieldDef[]) {
  requirePermission(ctx.actor, 'customer.read');
  const fieldDefs = defs ?? (await loadCustomFields(ctx));
  let qb = scopedCustomers(ctx);
  const filters = input.filters ?? [];
  const statusFiltered = filters.some((f) => f.field === 'status' || f.field === 'mergedIntoId');
  if (!input.includeMerged && !statusFiltered) qb = qb.where('customers.status', '!=', 'merged');
  if (input.q?.trim()) qb = qb.where(searchCondition(input.q.trim()));
  const errors: Record<string, string> = {};
  filters.forEach((f, i) => {
    try {
      qb = qb.where(compileFilter(f, fieldDefs));
    } catch (e) {
      if (e instanceof FilterError) errors[`filters.${i}`] = `${f.field}: ${e.message}`;
      else throw e;
    }
  });
  if (Object.keys(errors).length) throw badRequest('FILTER_INVALID', 'A filter is not valid', errors);
  return qb;
}

/** Counts matches up to COUNT_CAP + 1 so a count never scans millions of rows: "10,000+" beyond. */
export async function boundedCount(ctx: AuthedCtx, qb: Awaited<ReturnType<typeof customerSearchQuery>>) {
  const inner = qb
    .clearSelect()
    .select(sql`1`.as('x'))
    .limit(COUNT_CAP + 1);
  const r = await ctx.db
    .selectFrom(inner.as('s'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return { value: Math.min(r.n, COUNT_CAP), capped: r.n > COUNT_CAP };
}

export async function searchCustomers(
  ctx: AuthedCtx,
  input: TCustomerQuery & { cursor?: string; limit: number; withCount?: boolean },
) {
  const base = await customerSearchQuery(ctx, input);
  const sortKey = input.sort ?? 'id';
  const [col, type] = SORTS[sortKey];
  const dir = input.dir ?? (sortKey === 'code' || sortKey === 'name' ? 'asc' : 'desc');
  let qb = base.select(SUMMARY_COLUMNS).select(sql<string>`${sql.ref(col)}::text`.as('sort_key'));
  const after = decodeCursor(input.cursor);
  if (after && after.length === 2 && Number.isSafeInteger(Number(after[1]))) {
    const v = sql`${String(after[0])}::${sql.raw(type)}`;
    qb = qb.where(
      dir === 'desc'
        ? sql<SqlBool>`(${sql.ref(col)}, customers.id) < (${v}, ${Number(after[1])})`
        : sql<SqlBool>`(${sql.ref(col)}, customers.id) > (${v}, ${Number(after[1])})`,
    );
  }
  const rows = await qb
    .orderBy(sql.ref(col), dir)
    .orderBy('customers.id', dir)
    .limit(input.limit + 1)
    .execute();
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  const count = input.withCount ? await boundedCount(ctx, base) : null;
  return {
    items: items.map((r) => customerSummaryOut(ctx.actor, r)),
    nextCursor: more && last ? encodeCursor([last.sort_key, last.id]) : null,
    count,
  };
}
