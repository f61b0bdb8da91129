// Demo data of the metrics module: three months of back-office figures for every demo customer.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { localNow } from '../../platform/time.ts';

/** Three months of back-office figures for every customer, roughly proportional to assets (set-based). */
export async function loadDemoMetrics(db: Database) {
  // Figures of the last three months, roughly proportional to assets; trading days vary per customer.
  await sql`
    insert into customer_metrics (customer_id, period, assets, volume, revenue, trading_days, source)
    select c.id, to_char(${localNow()} - make_interval(months => k), 'YYYY-MM'),
           round((a * (0.9 + random() * 0.2))::numeric, 2),
           round(a * d / 22.0 * lev, 2),
           round(a * d / 22.0 * lev * 0.00005, 2),
           d, 'demo'
      from (select id, coalesce(assets_under_custody, 10000) as a,
                   (2 + floor(random() * 38))::numeric as lev from customers where status <> 'merged') c,
           generate_series(1, 3) k,
           -- c.id * 0 correlates the subquery, so random() is drawn per row and not once
           lateral (select least(22, floor(random() * random() * 30 + c.id * 0))::int as d) t
    on conflict do nothing`.execute(db);
}
