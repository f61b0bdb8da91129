import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeProblem, idCardProblem } from '../modules/customers/normalize.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { generateDemoCustomers } from './customers.ts';
import { loadDemoOrganisation } from './foundation.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await loadDemoOrganisation(t.db);
});
afterAll(async () => t?.close());

describe('demo customers', () => {
  it('makes realistic, valid customers with contacts and interactions, in small and bulk mode alike', async () => {
    const small = await generateDemoCustomers(t.db, { count: 600, seed: 1 });
    const bulk = await generateDemoCustomers(t.db, { count: 600, seed: 2, bulk: true });
    expect(small.customers + bulk.customers).toBe(1200);
    const rows = await t.db.selectFrom('customers').selectAll().execute();
    expect(new Set(rows.map((r) => r.code)).size).toBe(1200);
    const people = rows.filter((r) => r.kind === 'individual');
    const orgs = rows.filter((r) => r.kind === 'organisation');
    expect(orgs.length).toBeGreaterThan(20);
    for (const p of people) {
      expect(idCardProblem(p.id_number!)).toBeNull();
      expect(Array.from(p.name).length).toBeGreaterThanOrEqual(2);
      expect(Array.from(p.name).length).toBeLessThanOrEqual(4);
      expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(p.search_grams.length).toBeGreaterThan(0);
    }
    for (const o of orgs) {
      expect(creditCodeProblem(o.credit_code!)).toBeNull();
      expect(o.contact_names.length).toBeGreaterThan(0);
    }
    // 王 李 张 lead the surnames.
    const top = new Map<string, number>();
    for (const p of people) top.set(p.name[0], (top.get(p.name[0]) ?? 0) + 1);
    const ranked = [...top].sort((a, b) => b[1] - a[1]).map(([s]) => s);
    expect(ranked.slice(0, 6)).toEqual(expect.arrayContaining(['王', '李', '张']));
    const n = await sql<{ i: number; c: number }>`
      select (select count(*) from interactions)::int as i, (select count(*) from customer_contacts)::int as c`.execute(
      t.db,
    );
    expect(n.rows[0].i / 1200).toBeGreaterThan(3);
    expect(n.rows[0].c).toBe(orgs.reduce((s, o) => s + o.contact_names.length, 0));
    // Bulk mode put every index and key back.
    const idx = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_indexes where tablename = 'customers'`.execute(t.db);
    expect(idx.rows[0].n).toBeGreaterThanOrEqual(15);
  });
});
