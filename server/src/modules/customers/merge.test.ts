import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { buildCustomer, idCard, PNG_BYTES, uploadAttachment } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** Rows per customer-owned table (every table with a customer_id column) for these customers. */
async function related(ids: number[]) {
  const tables = (
    await sql<{ t: string }>`select table_name as t from information_schema.columns
      where table_schema = current_schema() and column_name = 'customer_id' order by 1`.execute(t.db)
  ).rows.map((r) => r.t);
  const out: Record<string, number> = {};
  for (const name of tables) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}
      where customer_id = any(${ids}::bigint[])`.execute(t.db);
    out[name] = r.rows[0].n;
  }
  return out;
}

describe('duplicates and merge', () => {
  it('finds duplicates by ID number, phone and name, and merges them with nothing lost', async () => {
    const sup = await t.login('supervisor');
    const admin = await t.login('admin');
    await t.call(admin, 'POST', '/api/custom-fields', {
      key: 'hobby',
      kind: 'all',
      label: '爱好',
      type: 'text',
    });
    const id = idCard('19751212', 321);
    const a = (await buildCustomer(t, 'supervisor', { name: '陈小春', idNumber: id, tags: ['A'] })).body;
    const b = (
      await buildCustomer(t, 'supervisor', {
        name: '陈小春',
        phone: '13600000001',
        email: 'cxc@example.com',
        tags: ['B'],
        custom: { hobby: '钓鱼' },
        notes: '老客户',
        contacts: [{ name: '应采儿', phone: '13600000002', isPrimary: true }],
      })
    ).body;
    const c = (await buildCustomer(t, 'supervisor', { name: '陈晓春', idNumber: id, phone: '13600000001' }))
      .body;
    expect([a.id, b.id, c.id].every(Boolean)).toBe(true);

    const dupA = await t.call(sup, 'GET', `/api/customers/${a.id}/duplicates`);
    expect(dupA.status, JSON.stringify(dupA.body)).toBe(200);
    const reasons = Object.fromEntries(dupA.body.map((d: any) => [d.customer.id, d.reasons]));
    expect(reasons[b.id]).toContain('name');
    expect(reasons[c.id]).toContain('id_number');
    const groups = await t.call(sup, 'GET', '/api/customers/duplicates?by=id_number');
    expect(groups.body.some((g: any) => g.customers.map((x: any) => x.id).join() === `${a.id},${c.id}`)).toBe(
      true,
    );

    // Everything that hangs off the three customers.
    for (const x of [a, b, c]) {
      await t.call(sup, 'POST', `/api/customers/${x.id}/interactions`, {
        channel: 'phone_in',
        summary: `call ${x.id}`,
      });
      const up = await uploadAttachment(t, 'supervisor', x.id, PNG_BYTES, 'p.png', { category: 'photo' });
      expect(up.status, JSON.stringify(up.body)).toBe(200);
    }
    const all = [a.id, b.id, c.id];
    const before = await related(all);
    expect(before.interactions).toBe(3);
    expect(before.customer_attachments).toBe(3);
    expect(before.customer_contacts).toBe(1);

    // An agent may not merge.
    expect(
      (await t.call(await t.login('agent'), 'POST', `/api/customers/${a.id}/merge`, { sourceIds: [b.id] }))
        .status,
    ).toBe(403);

    const m = await t.call(sup, 'POST', `/api/customers/${a.id}/merge`, { sourceIds: [b.id, c.id] });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    const after = await related(all);
    expect(after).toEqual({ ...before, customer_history: after.customer_history });
    expect(after.customer_history).toBeGreaterThan(before.customer_history);
    // Every related row now belongs to the survivor, except the merged customers' own "merged" history rows.
    const moved = await related([a.id]);
    for (const [table, n] of Object.entries(before))
      if (table !== 'customer_history') expect(moved[table], table).toBe(n);
    expect(moved.customer_history).toBeGreaterThanOrEqual(before.customer_history);

    const s = m.body.customer;
    expect(s).toMatchObject({
      id: a.id,
      tags: ['A', 'B'],
      phone: '13600000001',
      email: 'cxc@example.com',
      custom: { hobby: '钓鱼' },
      notes: '老客户',
      status: 'prospect',
    });
    expect(s.contacts.map((x: any) => x.name)).toEqual(['应采儿']);
    // The merged customers stay, pointing at the survivor, and old references resolve.
    for (const x of [b, c]) {
      const g = await t.call(sup, 'GET', `/api/customers/${x.id}`);
      expect(g.body).toMatchObject({ status: 'merged', mergedIntoId: a.id });
      const p = await t.call(sup, 'PATCH', `/api/customers/${x.id}`, { version: g.body.version, name: 'x' });
      expect(p.status).toBe(409);
    }
    // Merged customers leave the default list; the survivor is found by the contact's name and phone.
    const found = await t.call(sup, 'GET', `/api/customers?q=${encodeURIComponent('采儿')}`);
    expect(found.body.items.map((x: any) => x.id)).toEqual([a.id]);
    const hist = await t.call(sup, 'GET', `/api/customers/${a.id}/history?limit=200`);
    expect(hist.body.items.find((h: any) => h.field === 'mergedFrom').newValue.ids).toEqual([b.id, c.id]);
    const auditRow = await t.db
      .selectFrom('audit_log')
      .select(['meta'])
      .where('action', '=', 'customer.merged')
      .where('entity_id', '=', String(a.id))
      .executeTakeFirstOrThrow();
    expect(auditRow.meta).toMatchObject({ mergedIds: [b.id, c.id] });
  });

  it('moves rows of any module’s table, keeping a row on the merged customer when a unique key would collide', async () => {
    await sql`create table merge_probe (customer_id bigint not null references customers(id), k text not null,
      unique (customer_id, k))`.execute(t.db);
    const a = (await buildCustomer(t, 'supervisor', { name: '甲方' })).body;
    const b = (await buildCustomer(t, 'supervisor', { name: '乙方' })).body;
    await sql`insert into merge_probe values (${a.id}, 'x'), (${b.id}, 'x'), (${b.id}, 'y')`.execute(t.db);
    const m = await t.call(await t.login('supervisor'), 'POST', `/api/customers/${a.id}/merge`, {
      sourceIds: [b.id],
    });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    expect(m.body.moved.merge_probe).toBe(1);
    const rows = await sql<{
      customer_id: number;
      k: string;
    }>`select customer_id::int, k from merge_probe order by k, customer_id`.execute(t.db);
    expect(rows.rows).toEqual([
      { customer_id: a.id, k: 'x' },
      { customer_id: b.id, k: 'x' },
      { customer_id: a.id, k: 'y' },
    ]);
  });
});
