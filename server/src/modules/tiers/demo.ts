// Demo data of service programs: three months of back-office figures for every demo customer, the brokerage
// classes as value tiers (套保大户, 多品种投机大户, 中户, 散户 — an example configuration), tiers computed, and a
// service catalogue with packages bound to the tiers (basic, value-added, VIP, care 亲情服务).
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { demoSteps } from '../../demo/index.ts';
import { localNow } from '../../platform/time.ts';
import { loadDemoCatalogue } from '../catalogue/index.ts';
import { loadDemoMetrics, refreshCurrentMetrics } from '../metrics/index.ts';
import { loadDemoCareSegment } from '../segments/index.ts';
import { recomputeTiers, type TierConfig } from './service.ts';

export const BROKERAGE_TIERS: TierConfig = {
  basis: 'customers',
  metric: 'revenue_12m',
  tiers: [
    {
      code: '套保大户',
      name: '套保大户',
      cutoff: 0.05,
      rule: { op: 'and', rules: [{ field: 'purpose', op: 'in', value: ['hedger', 'both'] }] },
    },
    {
      code: '多品种投机大户',
      name: '多品种投机大户',
      cutoff: 0.05,
      rule: { op: 'and', rules: [{ field: 'purpose', op: 'in', value: ['speculator', 'both'] }] },
    },
    { code: '中户', name: '中户', cutoff: 0.3, rule: null },
    { code: '散户', name: '散户', cutoff: 1, rule: null },
  ],
};

export async function loadDemoServicePrograms(db: Database) {
  await loadDemoMetrics(db);
  await refreshCurrentMetrics(db);
  await db
    .updateTable('tier_settings')
    .set({ basis: BROKERAGE_TIERS.basis, metric: BROKERAGE_TIERS.metric })
    .execute();
  await db
    .insertInto('value_tiers')
    .values(
      BROKERAGE_TIERS.tiers.map((t, i) => ({
        code: t.code,
        name: t.name,
        position: i,
        cutoff: t.cutoff,
        rule: t.rule ? JSON.stringify(t.rule) : null,
      })),
    )
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  await recomputeTiers(db);

  await loadDemoCatalogue(db, { careSegmentId: await loadDemoCareSegment(db) });
}

demoSteps.push(loadDemoServicePrograms);
