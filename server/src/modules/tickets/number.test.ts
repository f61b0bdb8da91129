import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

it('ticket numbers keep growing past six digits instead of repeating', async () => {
  await sql`select setval('ticket_number_seq', 999998)`.execute(t.db);
  const numbers = await sql<{
    n: string;
  }>`select kefu_next_ticket_number() as n from generate_series(1, 3)`.execute(t.db);
  const tails = numbers.rows.map((r) => r.n.slice(9));
  expect(tails).toEqual(['999999', '1000000', '1000001']);
});
