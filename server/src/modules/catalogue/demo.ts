// Demo data of the service catalogue: items, packages (basic, value-added, VIP, care 亲情服务) bound to the demo
// tiers, and the care package bound to a segment of customers 65 and over.
import type { Database } from '../../db/index.ts';

export async function loadDemoCatalogue(db: Database, opts: { careSegmentId: number | null }) {
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
  // Care service for the elderly (65 and over): the segment bound to the care package.
  const care = await db
    .selectFrom('service_packages')
    .select('id')
    .where('code', '=', 'CARE')
    .executeTakeFirst();
  if (care && opts.careSegmentId != null)
    await db
      .insertInto('package_bindings')
      .values({ package_id: care.id, segment_id: opts.careSegmentId })
      .onConflict((oc) => oc.doNothing())
      .execute();
}
