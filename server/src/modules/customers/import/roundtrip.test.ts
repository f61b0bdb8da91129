// Export → import round trip: the whole customer list exported by an administrator (with customer.pii, so
// nothing is masked: a masked export cannot round trip) and imported again changes nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCustomers } from '../../../demo/customers.ts';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { runImportJob } from './jobs.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCustomers(t.db, { customers: 120 });
  admin = await t.login('admin');
  // Merge survivors: their notes hold the merged customers' notes on lines of their own.
  const ids = (await t.db.selectFrom('customers').select('id').orderBy('id').limit(6).execute()).map(
    (r) => r.id,
  );
  await t.db.updateTable('customers').set({ notes: sql`'备注 ' || id` }).where('id', 'in', ids).execute();
  for (const [survivor, source] of [
    [ids[0], ids[1]],
    [ids[2], ids[3]],
    [ids[4], ids[5]],
  ]) {
    const r = await t.call(admin, 'POST', `/api/customers/${survivor}/merge`, { sourceIds: [source] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  const survivors = await t.db
    .selectFrom('customers')
    .select('notes')
    .where('id', 'in', [ids[0], ids[2], ids[4]])
    .execute();
  for (const s of survivors) expect(s.notes).toContain('\n');
});
afterAll(async () => {
  await t?.close();
});

/** A checksum of every customer row, every column. */
const checksum = async () =>
  (
    await sql<{
      sum: string;
    }>`select md5(string_agg(c::text, '|' order by c.id)) as sum from customers c`.execute(t.db)
  ).rows[0].sum;

async function exportAll(format: 'csv' | 'xlsx') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/customers/export',
    headers: { cookie: admin },
    payload: { query: {}, format },
  });
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

async function importFile(content: Buffer, filename: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  const up = await t.app.inject({
    method: 'POST',
    url: '/api/customers/import/uploads',
    headers: { cookie: admin, 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
  expect(up.statusCode, up.body).toBe(200);
  const id = JSON.parse(up.body).id;
  const run = await t.call(admin, 'POST', `/api/customers/import/jobs/${id}/run`, {});
  expect(run.status).toBe(200);
  await runImportJob(t.db, id);
  return (await t.call(admin, 'GET', `/api/customers/import/jobs/${id}`)).body;
}

describe('export → import round trip', () => {
  for (const format of ['csv', 'xlsx'] as const)
    it(`the whole list exported as ${format.toUpperCase()} and imported again is a no-op`, async () => {
      const before = await checksum();
      const { n } = await t.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '!=', 'merged')
        .executeTakeFirstOrThrow();
      const file = await exportAll(format);
      const job = await importFile(file, `customers.${format}`);
      expect(job.status, job.errorMessage).toBe('done');
      expect(job.errors).toEqual([]);
      expect(job).toMatchObject({ created: 0, updated: 0, rejected: 0 });
      expect(job.unchanged).toBeGreaterThanOrEqual(Number(n));
      expect(await checksum()).toBe(before);
    });
});
