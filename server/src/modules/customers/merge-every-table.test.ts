// Acceptance (issue 9, 5): two duplicates, the merged one holding a row in EVERY table that references customers —
// found from the catalogue, as the merge itself finds them (every `customer_id` column and every foreign key to
// customers) — and after the merge every one of those rows is the survivor's: moved to it, or, for the append-only
// records the database refuses to update (suitability assessments and offers), carried over as a new row on the
// survivor that names the original and the merge. A table added later is covered without touching this test: its
// row is built from the catalogue (required columns, foreign keys, CHECK lists), so a new table that the merge
// would leave behind fails here.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { buildCustomer } from './fixtures.ts';
import { customerReferences } from './merge.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

type Column = {
  name: string;
  type: string;
  udt: string;
  nullable: boolean;
  hasDefault: boolean;
  identity: boolean;
};

const columns = async (table: string) =>
  (
    await sql<Column>`
      select column_name as name, data_type as type, udt_name as udt, is_nullable = 'YES' as nullable,
             column_default is not null as "hasDefault", is_identity = 'YES' as identity
        from information_schema.columns
       where table_schema = current_schema() and table_name = ${table}
       order by ordinal_position`.execute(t.db)
  ).rows;

/** Single-column foreign keys of a table: column → referenced table (and its column). */
const foreignKeys = async (table: string) =>
  new Map(
    (
      await sql<{ column: string; ref: string; refColumn: string }>`
        select a.attname as column, rc.relname as ref, ra.attname as "refColumn"
          from pg_constraint k
          join pg_class cl on cl.oid = k.conrelid
          join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
          join pg_class rc on rc.oid = k.confrelid
          join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = k.confkey[1]
         where k.contype = 'f' and cl.relname = ${table} and array_length(k.conkey, 1) = 1`.execute(t.db)
    ).rows.map((r) => [r.column, r]),
  );

/** The first value a CHECK constraint allows for a column, when it lists them (`kind in ('a', 'b')`). */
const checkedValues = async (table: string) => {
  const defs = (
    await sql<{ def: string }>`
      select pg_get_constraintdef(k.oid) as def from pg_constraint k join pg_class cl on cl.oid = k.conrelid
       where k.contype = 'c' and cl.relname = ${table}`.execute(t.db)
  ).rows.map((r) => r.def);
  // A list of allowed values wins over an equality inside a rule tying two columns (`(kind = 'x') = (y is not
  // null)`), whatever order the catalogue gives the constraints in; the first value of a list is taken.
  const out = new Map<string, string>();
  const lists = defs.map((d) => /\(+\(?([a-z_]+)\)?(?:::text)? = ANY \(+ARRAY\['([^']*)'/.exec(d));
  const equalities = defs.map((d) => /^CHECK \(+([a-z_]+) = '([^']*)'::text\)+$/.exec(d));
  for (const m of [...lists, ...equalities]) if (m && !out.has(m[1])) out.set(m[1], m[2]);
  return out;
};

/** Values a CHECK constraint allows that the catalogue cannot tell (a pattern, not a list), per table and column. */
const PATTERNED: Record<string, Record<string, unknown>> = {
  customer_metrics: { period: '2026-11' },
  segments: { kind: 'static' },
  suitability_offers: { matched: true },
  tasks: { assignee_id: sql`(select min(id) from users)` },
};

/** Inserts one row into `table` with `column` = customerId, every other required value taken from the catalogue. */
async function seedRow(table: string, column: string | null, customerId: number, depth = 0): Promise<void> {
  const [cols, fks, checks] = await Promise.all([columns(table), foreignKeys(table), checkedValues(table)]);
  const values: Record<string, unknown> = column ? { [column]: customerId } : {};
  for (const c of cols) {
    if (c.name in values || c.identity) continue;
    if (PATTERNED[table]?.[c.name] !== undefined) {
      values[c.name] = PATTERNED[table][c.name];
      continue;
    }
    if (c.hasDefault) continue;
    const fk = fks.get(c.name);
    if (fk?.ref === 'customers') {
      values[c.name] = customerId;
      continue;
    }
    if (c.nullable) continue;
    if (fk) {
      values[c.name] = await anyRow(fk.ref, fk.refColumn, depth, customerId);
      continue;
    }
    const allowed = PATTERNED[table]?.[c.name] ?? checks.get(c.name);
    if (allowed !== undefined) values[c.name] = allowed;
    else if (c.type === 'ARRAY') values[c.name] = sql`'{}'`;
    else if (c.udt === 'jsonb' || c.udt === 'json') values[c.name] = sql`'{}'::jsonb`;
    else if (c.udt === 'bool') values[c.name] = false;
    else if (/^(int|float|numeric)/.test(c.udt)) values[c.name] = 1;
    else if (c.udt === 'timestamptz' || c.udt === 'timestamp') values[c.name] = sql`now()`;
    else if (c.udt === 'date') values[c.name] = sql`current_date`;
    else if (c.udt === 'bytea') values[c.name] = Buffer.from('merge probe');
    else values[c.name] = `merge-${c.name}-${randomUUID().slice(0, 8)}`;
  }
  const names = Object.keys(values);
  try {
    await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
              values (${sql.join(names.map((n) => values[n]))})`.execute(t.db);
  } catch (e) {
    const defs = await sql<{ def: string }>`select pg_get_constraintdef(k.oid) as def from pg_constraint k
      join pg_class cl on cl.oid = k.conrelid where k.contype = 'c' and cl.relname = ${table}`.execute(t.db);
    throw new Error(
      `seeding ${table} (${names.join(', ')}): ${(e as Error).message}; checks: ${defs.rows.map((r) => r.def).join(' | ')}`,
    );
  }
}

/** Some row's key of a referenced table, seeding one when the table is empty. */
async function anyRow(table: string, column: string, depth: number, customerId: number): Promise<unknown> {
  const pick = async () =>
    (
      await sql<{
        v: unknown;
      }>`select ${sql.ref(column)} as v from ${sql.table(table)} order by 1 limit 1`.execute(t.db)
    ).rows[0]?.v;
  const found = await pick();
  if (found !== undefined) return found;
  if (depth > 3) throw new Error(`cannot build a row of ${table}: nothing to point at`);
  const refs = await customerReferences({ db: t.db } as never);
  const own = refs.find((r) => r.table === table);
  await seedRow(table, own?.column ?? null, customerId, depth + 1);
  return pick();
}

async function primaryKey(table: string) {
  const r = await sql<{ name: string }>`
    select a.attname as name from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
     where i.indrelid = ${table}::regclass and i.indisprimary`.execute(t.db);
  return r.rows.map((x) => x.name);
}

const countOf = async (table: string, column: string, id: number) =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${id}`.execute(t.db)
  ).rows[0].n;

describe('merge with a row in every table that references customers', () => {
  it('leaves every row on the survivor: moved, or carried over as a new row when the record is append-only', async () => {
    const survivor = (await buildCustomer(t, 'supervisor', { name: '合并甲' })).body;
    const merged = (await buildCustomer(t, 'supervisor', { name: '合并乙' })).body;
    const refs = await customerReferences({ db: t.db } as never);
    // The catalogue finds the tables of every module that keeps customer rows.
    const tables = new Set(refs.map((r) => r.table));
    for (const expected of [
      'customer_contacts',
      'interactions',
      'tickets',
      'tasks',
      'suitability_assessments',
      'suitability_offers',
      'regulatory_callbacks',
      'campaign_targets',
      'campaign_calls',
      'risk_notices',
      'service_fulfilments',
      'visits',
    ])
      expect(tables, expected).toContain(expected);

    // Each row of the merged customer, by its primary key (the customer column left out where it is part of it).
    const seeded: { table: string; column: string; keys: Record<string, unknown>[] }[] = [];
    for (const r of refs) {
      if (r.table === 'customer_merges') continue; // the merge's own record
      if ((await countOf(r.table, r.column, merged.id)) === 0) await seedRow(r.table, r.column, merged.id);
      const pk = (await primaryKey(r.table)).filter((k) => k !== r.column);
      if (pk.length === 0) {
        // One row per customer (the key is the customer): the survivor has none, so the merged one's must move.
        expect(await countOf(r.table, r.column, survivor.id)).toBe(0);
        seeded.push({ ...r, keys: [{}] });
        continue;
      }
      const keys = (
        await sql<{ key: Record<string, unknown> }>`
          select jsonb_build_object(${sql.join(pk.flatMap((k) => [sql.lit(k), sql.ref(`x.${k}`)]))}) as key
            from ${sql.table(r.table)} x where x.${sql.ref(r.column)} = ${merged.id}`.execute(t.db)
      ).rows.map((x) => x.key);
      seeded.push({ ...r, keys });
    }
    expect(seeded.every((s) => s.keys.length > 0)).toBe(true);

    const res = await t.call(await t.login('admin'), 'POST', `/api/customers/${survivor.id}/merge`, {
      sourceIds: [merged.id],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const mergeRecord = await t.db
      .selectFrom('customer_merges')
      .selectAll()
      .where('survivor_id', '=', survivor.id)
      .executeTakeFirstOrThrow();
    const problems: string[] = [];
    for (const s of seeded) {
      for (const key of s.keys) {
        const onSurvivor = await sql<{ n: number }>`
          select count(*)::int as n from ${sql.table(s.table)} x
           where to_jsonb(x) @> ${JSON.stringify(key)}::jsonb and x.${sql.ref(s.column)} = ${survivor.id}`.execute(
          t.db,
        );
        if (onSurvivor.rows[0].n > 0) continue;
        // An append-only record stays where it was written; its copy on the survivor names it and the merge.
        const copy = await sql<{ n: number }>`
          select count(*)::int as n from ${sql.table(s.table)} c
           where c.${sql.ref(s.column)} = ${survivor.id} and c.merge_id = ${mergeRecord.id}
             and c.carried_from_id = ${(key as { id?: unknown }).id ?? null}`
          .execute(t.db)
          .then((r) => r.rows[0].n)
          .catch(() => 0);
        if (copy === 0) problems.push(`${s.table} ${JSON.stringify(key)} is not the survivor's`);
      }
    }
    expect(problems, JSON.stringify(res.body.moved)).toEqual([]);
    // What the answer reports agrees: nothing kept back on the merged customer.
    expect(res.body.moved.keptOnMerged ?? {}).toEqual({});
    expect(seeded.length).toBeGreaterThanOrEqual(15);
  });
});
