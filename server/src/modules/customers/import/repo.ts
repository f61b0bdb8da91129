// SQL of the customer import: one batch is one transaction holding its customers, their change history, the
// audit row, the job's counters and its piece of the error file — so a killed import leaves no half-written
// customer and a re-run (upsert by code) converges to the rows of one clean run.
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { DB } from '../../../db/types.ts';
import { FIELD_COLUMNS } from '../prepare.ts';

/** A checked row, as the batch's json_to_recordset reads it. Null means "not given": an update leaves it alone. */
export type StagedCustomer = {
  line: number;
  code: string;
  kind: string | null;
  name: string | null;
  status: string | null;
  branch_id: number | null;
  owner_id: number | null;
  source_channel: string | null;
  tier: string | null;
  tags: string[] | null;
  notes: string | null;
  id_type: string | null;
  id_number: string | null;
  gender: string | null;
  birth_date: string | null;
  phone: string | null;
  phone_backup: string | null;
  email: string | null;
  address: string | null;
  occupation: string | null;
  employer: string | null;
  registered_name: string | null;
  credit_code: string | null;
  industry: string | null;
  risk_level: string | null;
  purpose: string | null;
  assets_under_custody: string | null;
  profile: Record<string, unknown> | null;
  custom: Record<string, unknown> | null;
};

/** The plain columns an import sets, with their SQL types; profile and custom are merged key by key. */
export const STAGED_COLUMNS: [string, string][] = [
  ['kind', 'text'],
  ['name', 'text'],
  ['status', 'text'],
  ['branch_id', 'bigint'],
  ['owner_id', 'bigint'],
  ['source_channel', 'text'],
  ['tier', 'text'],
  ['tags', 'text[]'],
  ['notes', 'text'],
  ['id_type', 'text'],
  ['id_number', 'text'],
  ['gender', 'text'],
  ['birth_date', 'date'],
  ['phone', 'text'],
  ['phone_backup', 'text'],
  ['email', 'text'],
  ['address', 'text'],
  ['occupation', 'text'],
  ['employer', 'text'],
  ['registered_name', 'text'],
  ['credit_code', 'text'],
  ['industry', 'text'],
  ['risk_level', 'text'],
  ['purpose', 'text'],
  ['assets_under_custody', 'numeric'],
];

const recordset = `json_to_recordset($1::json) as s(line int, code text, ${STAGED_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')}, profile jsonb, custom jsonb)`;
const plain = STAGED_COLUMNS.map(([c]) => c);
/** History rows name fields as the API does (riskLevel, not risk_level), like the customer service's own. */
const apiName = new Map(Object.entries(FIELD_COLUMNS).map(([api, col]) => [col as string, api]));

/** New customers: every column given (defaults for the rest). $2 = acting user id. */
const INSERT_SQL = `
  insert into customers (code, ${plain.join(', ')}, profile, custom, created_by, updated_by)
  select s.code, ${plain.map((c) => (c === 'status' ? `coalesce(s.status, 'prospect')` : c === 'tags' ? `coalesce(s.tags, '{}')` : `s.${c}`)).join(', ')},
         coalesce(s.profile, '{}'), coalesce(s.custom, '{}'), $2::bigint, $2::bigint
    from ${recordset}`;

/**
 * Existing customers: only given values are written, only rows that change are touched (so the same file twice
 * changes nothing), and each changed field gets a customer_history row. $2 actor id, $3 actor name.
 */
const UPDATE_SQL = `
  with s as (select * from ${recordset}),
  o as (select c.* from customers c join s on s.code = c.code),
  u as (
    update customers c set
      ${plain.map((col) => `${col} = coalesce(s.${col}, c.${col})`).join(',\n      ')},
      profile = c.profile || coalesce(s.profile, '{}'),
      custom = c.custom || coalesce(s.custom, '{}'),
      updated_by = $2::bigint, updated_at = now(), version = c.version + 1
    from s
    where c.code = s.code and (
      ${plain.map((col) => `(s.${col} is not null and s.${col} is distinct from c.${col})`).join('\n      or ')}
      or not (c.profile @> coalesce(s.profile, '{}')) or not (c.custom @> coalesce(s.custom, '{}')))
    returning c.id, c.code
  ),
  h as (
    insert into customer_history (customer_id, actor_id, actor_name, action, field, old_value, new_value)
    select u.id, $2::bigint, $3::text, 'import', v.field, v.old, v.new
      from u join o on o.id = u.id join s on s.code = u.code
      cross join lateral (
        values ${plain.map((col) => `('${apiName.get(col) ?? col}', to_jsonb(o.${col}), to_jsonb(s.${col}))`).join(',\n               ')}
        union all select 'profile.' || k, o.profile -> k, val from jsonb_each(coalesce(s.profile, '{}')) p(k, val)
        union all select 'custom.' || k, o.custom -> k, val from jsonb_each(coalesce(s.custom, '{}')) q(k, val)
      ) v(field, old, new)
     where v.new is not null and v.new <> 'null'::jsonb and v.new is distinct from v.old
    returning 1
  )
  select (select count(*) from u)::int as updated, (select count(*) from h)::int as history`;

export type ExistingCustomer = { code: string; id: number; branch_id: number; status: string };

/** The batch's codes that already exist, locked for the batch's transaction. */
export async function lockExisting(trx: Transaction<DB>, codes: string[]): Promise<ExistingCustomer[]> {
  const r = await sql<ExistingCustomer>`
    select code, id, branch_id, status from customers where code = any(${codes}::text[]) for update`.execute(
    trx,
  );
  return r.rows;
}

export async function insertCustomers(trx: Transaction<DB>, rows: StagedCustomer[], actorId: number | null) {
  if (!rows.length) return 0;
  const res = await rawQuery(trx, INSERT_SQL, [JSON.stringify(rows), actorId]);
  return res.numAffectedRows;
}

export async function updateCustomers(
  trx: Transaction<DB>,
  rows: StagedCustomer[],
  actor: { id: number | null; name: string | null },
) {
  if (!rows.length) return { updated: 0, history: 0 };
  const res = await rawQuery<{ updated: number; history: number }>(trx, UPDATE_SQL, [
    JSON.stringify(rows),
    actor.id,
    actor.name,
  ]);
  return res.rows[0];
}

/** Runs a fixed SQL text with positional parameters ($1 …) through Kysely's connection. */
async function rawQuery<R = unknown>(trx: Transaction<DB>, text: string, params: unknown[]) {
  const res = await trx.executeQuery<R>(CompiledQuery.raw(text, params));
  return { rows: res.rows, numAffectedRows: Number(res.numAffectedRows ?? 0) };
}

export type JobProgress = {
  bytesRead: number;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
};

export async function addJobProgress(trx: Transaction<DB> | Database, jobId: number, p: JobProgress) {
  await sql`
    update import_jobs set
      bytes_read = greatest(bytes_read, ${p.bytesRead}::bigint),
      rows_read = greatest(rows_read, ${p.rowsRead}::int),
      rows_created = rows_created + ${p.created}::int,
      rows_updated = rows_updated + ${p.updated}::int,
      rows_unchanged = rows_unchanged + ${p.unchanged}::int,
      rows_rejected = rows_rejected + ${p.rejected}::int,
      updated_at = now()
    where id = ${jobId}`.execute(trx);
}

export async function appendChunk(
  trx: Transaction<DB> | Database,
  jobId: number,
  role: 'source' | 'errors',
  data: Buffer,
  /** Given when batches commit concurrently; otherwise the next number. */
  seq?: number,
) {
  if (!data.length) return;
  if (seq !== undefined) {
    await sql`insert into import_job_chunks (job_id, role, seq, data) values (${jobId}, ${role}, ${seq}, ${data})`.execute(
      trx,
    );
    return;
  }
  await sql`
    insert into import_job_chunks (job_id, role, seq, data)
    select ${jobId}, ${role}, coalesce(max(seq), 0) + 1, ${data}
      from import_job_chunks where job_id = ${jobId} and role = ${role}`.execute(trx);
}

/** A stored file's chunks in order, one at a time, so a large file never sits in memory whole. */
export async function* readChunks(db: Database, jobId: number, role: 'source' | 'errors') {
  let seq = 0;
  for (;;) {
    const row = await sql<{ seq: number; data: Buffer }>`
      select seq, data from import_job_chunks
       where job_id = ${jobId} and role = ${role} and seq > ${seq} order by seq limit 1`.execute(db);
    const r = row.rows[0];
    if (!r) return;
    seq = r.seq;
    yield r.data;
  }
}
