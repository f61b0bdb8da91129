// Customer metrics (客户贡献): the back office's figures per customer and month — assets, trading volume,
// commission/revenue contribution, trading days — arriving by API (upsert by customer code + period) or by file
// import (CSV/XLSX, the customer importer's reader), and the derived current figures segments and tiers read:
//
//   customer_metrics_current — latest period's figures, 12-month revenue and volume, open complaints, tickets in
//   the last 90 days, CSAT average (from modules/tickets' tables when they exist), refreshed on every write for
//   the customers written and nightly for everyone (job metrics_refresh). Last contact date is the customer's own
//   `last_contact_at`, kept by the interactions module.
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { defineJob } from '../../platform/jobs.ts';
import { branchScope, requirePermission } from '../../platform/permissions.ts';
import { localNow } from '../../platform/time.ts';
import { csvLine, FileFormatError, headerKey, readRecords, UTF8_BOM } from '../customers/index.ts';

export type MetricRow = {
  customerCode: string;
  period: string;
  assets?: number | null;
  volume?: number | null;
  revenue?: number | null;
  tradingDays?: number | null;
};

let ticketsExist: boolean | undefined;
async function hasTickets(db: Ctx['db']) {
  if (ticketsExist === undefined) {
    const r = await sql<{ t: string | null }>`select to_regclass('tickets')::text as t`.execute(db);
    ticketsExist = !!r.rows[0].t;
  }
  return ticketsExist;
}

/**
 * Recomputes customer_metrics_current for some customers (or all, set-based): latest period, 12-month sums, and
 * the service figures from tickets (open complaints, tickets in 90 days, CSAT average over a year).
 */
export async function refreshCurrentMetrics(db: Ctx['db'], customerIds: number[] | null = null) {
  const only = customerIds ? sql`and c.id = any(${customerIds}::bigint[])` : sql``;
  const tickets = (await hasTickets(db))
    ? sql`left join lateral (
          select count(*) filter (where t.type = 'complaint' and t.status not in ('resolved', 'closed'))::int as open_complaints,
                 count(*) filter (where t.received_at > now() - interval '90 days')::int as tickets_90d,
                 avg(t.rating_score) filter (where t.rated_at > now() - interval '365 days') as csat_avg
            from tickets t where t.customer_id = c.id) tk on true`
    : sql`left join lateral (select 0 as open_complaints, 0 as tickets_90d, null::numeric as csat_avg) tk on true`;
  const r = await sql`
    insert into customer_metrics_current as cur (customer_id, period, assets, volume, revenue, trading_days,
      revenue_12m, volume_12m, open_complaints, tickets_90d, csat_avg, refreshed_at)
    select c.id, l.period, l.assets, l.volume, l.revenue, l.trading_days,
           coalesce(s.revenue_12m, 0), coalesce(s.volume_12m, 0),
           coalesce(tk.open_complaints, 0), coalesce(tk.tickets_90d, 0), round(tk.csat_avg, 2), now()
      from customers c
      left join lateral (
        select m.period, m.assets, m.volume, m.revenue, m.trading_days from customer_metrics m
         where m.customer_id = c.id order by m.period desc limit 1) l on true
      left join lateral (
        select sum(m.revenue) as revenue_12m, sum(m.volume) as volume_12m from customer_metrics m
         where m.customer_id = c.id
           and m.period > to_char(${localNow()} - interval '12 months', 'YYYY-MM')) s on true
      ${tickets}
     where c.status <> 'merged' ${only}
       and (l.period is not null or coalesce(tk.open_complaints, 0) + coalesce(tk.tickets_90d, 0) > 0
            or tk.csat_avg is not null
            or exists (select 1 from customer_metrics_current x where x.customer_id = c.id))
    on conflict (customer_id) do update set
      period = excluded.period, assets = excluded.assets, volume = excluded.volume, revenue = excluded.revenue,
      trading_days = excluded.trading_days, revenue_12m = excluded.revenue_12m, volume_12m = excluded.volume_12m,
      open_complaints = excluded.open_complaints, tickets_90d = excluded.tickets_90d, csat_avg = excluded.csat_avg,
      refreshed_at = now()`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export type RowProblem = { line: number; field: string; reason: string };

const PERIOD = /^(\d{4})-?(0[1-9]|1[0-2])$/;
const normPeriod = (p: string) => {
  const m = PERIOD.exec(p.trim());
  return m ? `${m[1]}-${m[2]}` : null;
};

function rowProblem(r: MetricRow): { field: string; reason: string } | null {
  if (!normPeriod(r.period ?? '')) return { field: 'period', reason: 'PERIOD_INVALID' };
  for (const k of ['assets', 'volume', 'revenue', 'tradingDays'] as const) {
    const v = r[k];
    if (v != null && (!Number.isFinite(v) || Math.abs(v) >= 1e18))
      return { field: k, reason: 'NUMBER_INVALID' };
  }
  if (r.tradingDays != null && (!Number.isInteger(r.tradingDays) || r.tradingDays < 0 || r.tradingDays > 31))
    return { field: 'tradingDays', reason: 'TRADING_DAYS_INVALID' };
  return null;
}

/**
 * Upserts rows by (customer code, period) for customers in the actor's branches, in one transaction with one
 * audit row; refreshes their current figures. Unknown codes and bad values are reported per row, not fatal.
 */
export async function upsertMetrics(
  ctx: AuthedCtx,
  rows: (MetricRow & { line?: number })[],
  source: 'api' | 'import' = 'api',
) {
  requirePermission(ctx.actor, 'customer.import');
  const problems: RowProblem[] = [];
  const good: { code: string; period: string; r: MetricRow; line: number }[] = [];
  for (const [i, r] of rows.entries()) {
    const line = r.line ?? i + 1;
    const problem = rowProblem(r);
    if (problem) {
      problems.push({ line, ...problem });
      continue;
    }
    good.push({ code: r.customerCode.trim().toUpperCase(), period: normPeriod(r.period)!, r, line });
  }
  const scope = branchScope(ctx.actor);
  return withTx(ctx, async (tx) => {
    const codes = [...new Set(good.map((g) => g.code))];
    const found = codes.length
      ? await tx.db
          .selectFrom('customers')
          .select(['id', 'code'])
          .where('code', 'in', codes)
          .where('status', '!=', 'merged')
          .$if(scope !== 'all', (q) => q.where('branch_id', 'in', scope as number[]))
          .execute()
      : [];
    const idOf = new Map(found.map((f) => [f.code, f.id]));
    const values: {
      customer_id: number;
      period: string;
      assets: number | null;
      volume: number | null;
      revenue: number | null;
      trading_days: number | null;
      source: 'api' | 'import';
    }[] = [];
    const seen = new Set<string>();
    for (const g of good) {
      const id = idOf.get(g.code);
      if (!id) {
        problems.push({ line: g.line, field: 'customerCode', reason: 'CUSTOMER_NOT_FOUND' });
        continue;
      }
      const key = `${id}:${g.period}`;
      if (seen.has(key)) {
        problems.push({ line: g.line, field: 'period', reason: 'DUPLICATE_ROW' });
        continue;
      }
      seen.add(key);
      values.push({
        customer_id: id,
        period: g.period,
        assets: g.r.assets ?? null,
        volume: g.r.volume ?? null,
        revenue: g.r.revenue ?? null,
        trading_days: g.r.tradingDays ?? null,
        source,
      });
    }
    for (let i = 0; i < values.length; i += 2000)
      await tx.db
        .insertInto('customer_metrics')
        .values(values.slice(i, i + 2000))
        .onConflict((oc) =>
          oc.columns(['customer_id', 'period']).doUpdateSet((eb) => ({
            assets: eb.ref('excluded.assets'),
            volume: eb.ref('excluded.volume'),
            revenue: eb.ref('excluded.revenue'),
            trading_days: eb.ref('excluded.trading_days'),
            source: eb.ref('excluded.source'),
            updated_at: sql`now()`,
          })),
        )
        .execute();
    const ids = [...new Set(values.map((v) => v.customer_id))];
    if (ids.length) await refreshCurrentMetrics(tx.db, ids);
    await audit(tx, {
      action: source === 'import' ? 'metrics.imported' : 'metrics.upserted',
      entity: 'customer_metrics',
      meta: { rows: rows.length, upserted: values.length, rejected: problems.length },
    });
    problems.sort((a, b) => a.line - b.line);
    return { rows: rows.length, upserted: values.length, rejected: problems.length, problems };
  });
}

/** Column headers the importer recognises (any language; compared ignoring case, spaces and punctuation). */
const HEADERS: Record<keyof MetricRow, string[]> = {
  customerCode: ['customerCode', 'code', '客户代码', '客户编号', '资金账号', '客戶代碼', 'customer code'],
  period: ['period', '期间', '月份', '统计期间', '期間', 'month'],
  assets: ['assets', '资产', '客户权益', '日均权益', '資產', '权益'],
  volume: ['volume', '成交额', '交易量', '成交金额', '成交額', 'trading volume'],
  revenue: ['revenue', '佣金', '手续费', '贡献', '手续费贡献', '收入贡献', '佣金貢獻', 'commission'],
  tradingDays: ['tradingDays', '交易天数', '交易日数', '交易天數', 'trading days'],
};
const HEADER_INDEX = new Map(
  Object.entries(HEADERS).flatMap(([k, hs]) => hs.map((h) => [headerKey(h), k as keyof MetricRow])),
);

const numOrNull = (s: string | undefined) => {
  if (s == null) return null;
  const t = s.replace(/[,，\s¥￥]/g, '');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
};

/**
 * Imports a CSV (UTF-8/GB18030) or XLSX file of metrics: headers mapped automatically, rows upserted by customer
 * code + period in batches (importing the same file again changes nothing), bad rows returned as an error file
 * (the original cells plus a reason column) to fix and import again.
 */
export async function importMetrics(ctx: AuthedCtx, fileName: string, source: Readable) {
  requirePermission(ctx.actor, 'customer.import');
  let headers: string[] | null = null;
  let map: (keyof MetricRow | null)[] = [];
  let rowsRead = 0;
  let upserted = 0;
  const problems: RowProblem[] = [];
  const errorLines: string[] = [];
  const cellsByLine = new Map<number, string[]>();
  const flush = async (batch: (MetricRow & { line: number })[]) => {
    if (batch.length === 0) return;
    const r = await upsertMetrics(ctx, batch, 'import');
    upserted += r.upserted;
    for (const p of r.problems) {
      problems.push(p);
      errorLines.push(csvLine([...(cellsByLine.get(p.line) ?? []), `${p.field}: ${p.reason}`]));
    }
    cellsByLine.clear();
  };
  try {
    for await (const records of readRecords(source, fileName)) {
      const batch: (MetricRow & { line: number })[] = [];
      for (const rec of records) {
        if (!headers) {
          headers = rec.cells;
          map = headers.map((h) => HEADER_INDEX.get(headerKey(h)) ?? null);
          for (const need of ['customerCode', 'period'] as const)
            if (!map.includes(need))
              throw badRequest('IMPORT_COLUMN_MISSING', `The file has no ${need} column`, {
                [need]: 'MISSING',
              });
          continue;
        }
        if (rec.cells.every((c) => c.trim() === '')) continue;
        rowsRead++;
        const o: Record<string, string> = {};
        map.forEach((k, i) => {
          if (k) o[k] = rec.cells[i] ?? '';
        });
        cellsByLine.set(rec.line, rec.cells);
        const nums = {
          assets: numOrNull(o.assets),
          volume: numOrNull(o.volume),
          revenue: numOrNull(o.revenue),
          tradingDays: numOrNull(o.tradingDays),
        };
        batch.push({ line: rec.line, customerCode: o.customerCode ?? '', period: o.period ?? '', ...nums });
      }
      await flush(batch);
    }
  } catch (e) {
    if (e instanceof FileFormatError)
      throw e.reason === 'UNREADABLE'
        ? badRequest('IMPORT_FILE_INVALID', e.message, { file: 'INVALID' })
        : badRequest(e.code, e.message, { file: e.reason });
    throw e;
  }
  if (!headers) throw badRequest('IMPORT_EMPTY', 'The file is empty', { file: 'EMPTY' });
  const errorFile = errorLines.length
    ? UTF8_BOM + csvLine([...(headers as string[]), '错误 / error']) + errorLines.join('')
    : null;
  return { rowsRead, upserted, rejected: problems.length, problems: problems.slice(0, 200), errorFile };
}

export async function customerMetrics(ctx: AuthedCtx, customerId: number) {
  requirePermission(ctx.actor, 'customer.read');
  const { assertCustomerVisible } = await import('../customers/index.ts');
  await assertCustomerVisible(ctx, customerId);
  const [periods, current] = await Promise.all([
    ctx.db
      .selectFrom('customer_metrics')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('period', 'desc')
      .limit(36)
      .execute(),
    ctx.db
      .selectFrom('customer_metrics_current')
      .selectAll()
      .where('customer_id', '=', customerId)
      .executeTakeFirst(),
  ]);
  const n = (v: string | null | undefined) => (v == null ? null : Number(v));
  return {
    customerId,
    current: current
      ? {
          period: current.period,
          assets: n(current.assets),
          volume: n(current.volume),
          revenue: n(current.revenue),
          tradingDays: current.trading_days,
          revenue12m: Number(current.revenue_12m),
          volume12m: Number(current.volume_12m),
          openComplaints: current.open_complaints,
          tickets90d: current.tickets_90d,
          csatAvg: n(current.csat_avg),
          refreshedAt: current.refreshed_at.toISOString(),
        }
      : null,
    periods: periods.map((p) => ({
      period: p.period,
      assets: n(p.assets),
      volume: n(p.volume),
      revenue: n(p.revenue),
      tradingDays: p.trading_days,
      source: p.source,
    })),
  };
}

// Nightly (01:10): derived figures age (90-day windows, 12-month sums), so everyone is refreshed.
defineJob(
  'metrics_refresh',
  async (_payload, { db, log }) => {
    const n = await refreshCurrentMetrics(db as Database);
    log('customer metrics refreshed', { customers: n });
  },
  '10 1 * * *',
);
