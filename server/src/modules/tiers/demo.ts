// Demo data of service programs: three months of back-office figures for every demo customer, the brokerage
// classes as value tiers (套保大户, 多品种投机大户, 中户, 散户 — an example configuration), tiers computed, and a
// service catalogue with packages bound to the tiers (basic, value-added, VIP, care 亲情服务).
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { demoSteps } from '../../demo/index.ts';
import { localNow } from '../../platform/time.ts';
import { refreshCurrentMetrics } from '../metrics/service.ts';
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

  const dept = async (code: string) =>
    (await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst())?.id ?? null;
  const [cs, rd, settle] = [await dept('CS'), await dept('RD'), await dept('SETTLE')];
  const items = [
    [
      'STATEMENT_D',
      '每日结算单',
      'email',
      'daily',
      settle,
      0.1,
      '交易日 20:00 前发送结算单',
      'delivery',
      'department',
      false,
    ],
    [
      'RESEARCH_W',
      '每周研究报告',
      'email',
      'weekly',
      rd,
      20,
      '每周一 9:00 前发送上周品种研报',
      'delivery',
      'department',
      true,
    ],
    [
      'CALL_M',
      '月度电话回访',
      'phone',
      'monthly',
      cs,
      15,
      '通话并在接触记录中写明客户诉求',
      'call',
      'owner',
      true,
    ],
    [
      'ONSITE_Q',
      '季度上门巡检',
      'visit',
      'quarterly',
      null,
      800,
      '到客户现场检查交易系统并填写巡检记录',
      'visit',
      'owner',
      true,
    ],
    [
      'STRATEGY_Y',
      '年度交易策略会',
      'meeting',
      'yearly',
      rd,
      3000,
      '邀请客户参加年度策略会并收集反馈',
      'other',
      'owner',
      true,
    ],
    [
      'CARE_M',
      '亲情关怀电话',
      'phone',
      'monthly',
      cs,
      10,
      '与老年或特殊客户通话，确认其理解风险并记录',
      'call',
      'owner',
      true,
    ],
  ] as const;
  for (const [code, name, channel, frequency, department, cost, standard, kind, assign, tasks] of items)
    await db
      .insertInto('service_items')
      .values({
        code,
        name,
        channel,
        frequency,
        owner_department_id: department,
        unit_cost: cost,
        standard,
        task_kind: kind,
        assign_to: assign === 'department' && department == null ? 'owner' : assign,
        creates_tasks: tasks,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  const packages = [
    ['BASIC', '基础服务包', 'basic', ['STATEMENT_D'], ['散户', '中户', '套保大户', '多品种投机大户']],
    ['VALUE', '增值服务包', 'value_added', ['RESEARCH_W', 'CALL_M'], ['中户', '套保大户', '多品种投机大户']],
    ['VIP', 'VIP 服务包', 'vip', ['ONSITE_Q', 'STRATEGY_Y'], ['套保大户', '多品种投机大户']],
    ['CARE', '亲情服务包', 'care', ['CARE_M'], []],
  ] as const;
  for (const [code, name, kind, itemCodes, tiers] of packages) {
    const p = await db
      .insertInto('service_packages')
      .values({ code, name, kind })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!p) continue;
    const ids = await db
      .selectFrom('service_items')
      .select('id')
      .where('code', 'in', [...itemCodes])
      .execute();
    await db
      .insertInto('service_package_items')
      .values(ids.map((x, position) => ({ package_id: p.id, item_id: x.id, position })))
      .execute();
    if (tiers.length)
      await db
        .insertInto('package_bindings')
        .values(tiers.map((tier) => ({ package_id: p.id, tier })))
        .execute();
  }
  // Care service for the elderly (65 and over): a rule segment bound to the care package.
  const care = await db
    .selectFrom('service_packages')
    .select('id')
    .where('code', '=', 'CARE')
    .executeTakeFirst();
  if (care) {
    const seg = await db
      .insertInto('segments')
      .values({
        name: '65 岁以上客户 (亲情服务)',
        kind: 'rule',
        rule: JSON.stringify({
          op: 'and',
          // Age relative to the day the segment is counted, not a birth date fixed when the demo was loaded.
          rules: [{ field: 'age', op: 'gte', value: 65 }],
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('package_bindings')
      .values({ package_id: care.id, segment_id: seg.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

demoSteps.push(loadDemoServicePrograms);
