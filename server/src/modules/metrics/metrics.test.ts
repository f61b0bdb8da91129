import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { userId } from '../../test/fixtures.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { refreshCurrentMetrics } from './service.ts';

let t: TestApp;
let admin: string;
let bj: number[];
let sh: number[];
let codes: Map<number, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  bj = await insertCustomers(t, 3, { owner: 'manager', prefix: 'MB' });
  sh = await insertCustomers(t, 1, { branch: 'SH01', owner: 'sh_manager', prefix: 'MS' });
  const rows = await t.db
    .selectFrom('customers')
    .select(['id', 'code'])
    .where('id', 'in', [...bj, ...sh])
    .execute();
  codes = new Map(rows.map((r) => [Number(r.id), r.code]));
});
afterAll(async () => t?.close());

async function upload(cookie: string, fileName: string, content: string | Buffer) {
  const boundary = '----kefu-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/metrics/import',
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

const current = (id: number) =>
  t.db.selectFrom('customer_metrics_current').selectAll().where('customer_id', '=', id).executeTakeFirst();

describe('customer metrics', () => {
  it('upserts figures by customer code and period, incrementally, and keeps the current figures', async () => {
    const c0 = codes.get(bj[0])!;
    const r = await t.call(admin, 'PUT', '/api/metrics', {
      rows: [
        { customerCode: c0, period: '2026-09', assets: 4_000_000, revenue: 1000, tradingDays: 8 },
        {
          customerCode: c0.toLowerCase(),
          period: '202610',
          assets: 6_000_000,
          revenue: 2000,
          tradingDays: 12,
        },
        { customerCode: 'NO-SUCH', period: '2026-10', assets: 1 },
        { customerCode: c0, period: '2026-13', assets: 1 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ rows: 4, upserted: 2, rejected: 2 });
    expect(r.body.problems).toEqual([
      { line: 3, field: 'customerCode', reason: 'CUSTOMER_NOT_FOUND' },
      { line: 4, field: 'period', reason: 'PERIOD_INVALID' },
    ]);
    expect(await current(bj[0])).toMatchObject({
      period: '2026-10',
      assets: '6000000.00',
      trading_days: 12,
      revenue_12m: '3000.00',
    });
    // Again with a correction for October: updated in place, nothing duplicated.
    await t.call(admin, 'PUT', '/api/metrics', {
      rows: [{ customerCode: c0, period: '2026-10', assets: 5_500_000, revenue: 2500, tradingDays: 11 }],
    });
    const n = await t.db
      .selectFrom('customer_metrics')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('customer_id', '=', bj[0])
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(2);
    expect(await current(bj[0])).toMatchObject({ assets: '5500000.00', revenue_12m: '3500.00' });
    const view = await t.call(await t.login('manager'), 'GET', `/api/customers/${bj[0]}/metrics`);
    expect(view.status).toBe(200);
    expect(view.body.current).toMatchObject({ period: '2026-10', assets: 5_500_000, tradingDays: 11 });
    expect(view.body.periods.map((p: any) => p.period)).toEqual(['2026-10', '2026-09']);
  });

  it('imports a CSV file idempotently and returns the bad rows as an error file', async () => {
    const csv = [
      '客户代码,期间,资产,成交额,佣金,交易天数',
      `${codes.get(bj[1])},2026-10,"5,200,000",80000000,4000,15`,
      `${codes.get(bj[2])},2026-10,1000000,1000000,50,3`,
      `${codes.get(bj[2])},2026-10,abc,1,1,1`,
      `${codes.get(sh[0])},2026-10,1,1,1,40`,
    ].join('\r\n');
    const r = await upload(admin, 'metrics.csv', `\uFEFF${csv}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ rowsRead: 4, upserted: 2, rejected: 2 });
    expect(r.body.problems).toEqual([
      { line: 4, field: 'assets', reason: 'NUMBER_INVALID' },
      { line: 5, field: 'tradingDays', reason: 'TRADING_DAYS_INVALID' },
    ]);
    expect(r.body.errorFile).toContain('错误 / error');
    expect(r.body.errorFile).toContain('tradingDays: TRADING_DAYS_INVALID');
    expect(await current(bj[1])).toMatchObject({ assets: '5200000.00', trading_days: 15 });
    const before = await t.db
      .selectFrom('customer_metrics')
      .selectAll()
      .orderBy('customer_id')
      .orderBy('period')
      .execute();
    const again = await upload(admin, 'metrics.csv', `\uFEFF${csv}`);
    expect(again.body).toMatchObject({ upserted: 2, rejected: 2 });
    const after = await t.db
      .selectFrom('customer_metrics')
      .selectAll()
      .orderBy('customer_id')
      .orderBy('period')
      .execute();
    expect(after.map(({ updated_at: _u, ...x }) => x)).toEqual(before.map(({ updated_at: _u, ...x }) => x));
    const missing = await upload(admin, 'x.csv', 'foo,bar\r\n1,2');
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('IMPORT_COLUMN_MISSING');
  });

  it("only writes figures of customers in the caller's branches", async () => {
    const sup = await t.login('supervisor'); // BJ01, has customer.import
    const r = await t.call(sup, 'PUT', '/api/metrics', {
      rows: [{ customerCode: codes.get(sh[0])!, period: '2026-10', assets: 1 }],
    });
    expect(r.body).toMatchObject({ upserted: 0, rejected: 1 });
    expect(r.body.problems[0].reason).toBe('CUSTOMER_NOT_FOUND');
    expect((await t.call(sup, 'GET', `/api/customers/${sh[0]}/metrics`)).status).toBe(404);
  });

  it('derives open complaints, tickets in 90 days and CSAT from tickets', async () => {
    const owner = await userId(t, 'agent');
    await sql`
      insert into tickets (branch_id, type, channel, customer_id, subject, first_contact_owner_id, status, rating_score, rated_at)
      values (2, 'complaint', 'phone_in', ${bj[2]}, '投诉', ${owner}, 'open', null, null),
             (2, 'consultation', 'phone_in', ${bj[2]}, '咨询', ${owner}, 'closed', 4, now()),
             (2, 'consultation', 'phone_in', ${bj[2]}, '咨询', ${owner}, 'closed', 5, now())`.execute(t.db);
    await refreshCurrentMetrics(t.db, [bj[2]]);
    expect(await current(bj[2])).toMatchObject({ open_complaints: 1, tickets_90d: 3, csat_avg: '4.50' });
    // The nightly refresh (everyone) gives the same answer.
    await refreshCurrentMetrics(t.db);
    expect(await current(bj[2])).toMatchObject({ open_complaints: 1, tickets_90d: 3, csat_avg: '4.50' });
    // Segments can use them.
    const c = await t.call(admin, 'POST', '/api/segments/count', {
      rule: { op: 'and', rules: [{ field: 'metric.openComplaints', op: 'gte', value: 1 }] },
    });
    expect(c.body.value).toBe(1);
  });
});
