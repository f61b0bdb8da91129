// Demo knowledge base: the FAQ a futures company's service desk answers every day, service standards, scripts
// (话术) and reply templates.
import type { Database } from '../../db/index.ts';
import { demoSteps } from '../../demo/index.ts';
import { searchGrams } from './service.ts';
import type { ArticleKind } from './tables.ts';

const ARTICLES: [string, ArticleKind, string, string, string[]][] = [
  [
    '常见问题',
    'faq',
    '保证金如何计算',
    '交易保证金 = 成交价（持仓按当日结算价）× 交易单位 × 手数 × 保证金比例。\n' +
      '保证金比例 = 交易所标准 + 公司加收部分，以交易软件和结算单显示为准；临近交割月、连续涨跌停或节假日前，交易所可能提高比例。\n' +
      '例：某合约结算价 4,000 元/吨，交易单位 10 吨/手，持仓 2 手，保证金比例 12%：4,000 × 10 × 2 × 12% = 9,600 元。\n' +
      '可用资金 = 客户权益 − 占用保证金 − 冻结资金；风险度 = 占用保证金 ÷ 客户权益，超过 100% 将被通知追加保证金或强行平仓。',
    ['保证金', '风险度', '结算'],
  ],
  [
    '常见问题',
    'faq',
    '如何开户',
    '一、个人客户：年满 18 周岁，携带本人有效身份证件和本人银行借记卡。\n' +
      '二、流程：1. 填写开户资料并拍摄影像；2. 完成适当性评估（风险承受能力问卷）与投资者教育；3. 签署期货经纪合同和风险揭示书；' +
      '4. 申请交易编码（一般 1 个交易日）；5. 办理银期转账签约；6. 下载交易软件并完成首次登录改密。\n' +
      '三、可通过营业部临柜或手机 App 线上办理，线上办理需进行视频见证。\n' +
      '四、开通特殊品种（如股指期货、期权）需另行满足资金和知识测试等适当性要求。',
    ['开户', '适当性', '银期转账'],
  ],
  [
    '常见问题',
    'faq',
    '交易时间',
    '日盘：上午 9:00–10:15、10:30–11:30，下午 13:30–15:00（中金所股指期货 9:30–11:30、13:00–15:00）。\n' +
      '夜盘（部分品种）：21:00 起，收盘时间因品种不同为 23:00、次日 1:00 或 2:30。\n' +
      '集合竞价：日盘 8:55–9:00，夜盘 20:55–21:00。法定节假日前最后一个交易日不开夜盘，具体以交易所通知为准。',
    ['交易时间', '夜盘', '集合竞价'],
  ],
  [
    '常见问题',
    'faq',
    '出入金与银期转账',
    '交易日 8:30–16:00 及夜盘时段可通过银期转账入金；出金需在交易日规定时间内申请，当日平仓盈利次日方可出金。' +
      '转账失败请核对银行卡状态、资金密码和银行签约状态。',
    ['出金', '入金', '银期转账'],
  ],
  [
    '服务标准',
    'standard',
    '首问负责制',
    '第一位接待客户的员工为首问责任人，负责受理、跟踪直至问题关闭，是客户唯一的联系人。需要其他部门处理的，由首问责任人内部转办（内转外不转），' +
      '客户无需重复陈述；转办须注明原因，接收部门按时限处理后回转首问责任人答复客户。',
    ['首问负责', '内转外不转'],
  ],
  [
    '服务标准',
    'standard',
    '服务时限标准',
    '咨询类：2 个工作小时内首次响应；服务请求：48 个工作小时内解决；故障报修：24 个工作小时内上门。' +
      '投诉：3 个交易日内作出是否受理的决定，受理后按监管要求时限办结并回访。时限按工作日历计算，等待客户补充材料期间暂停计时。',
    ['时限', 'SLA'],
  ],
  [
    '话术',
    'script',
    '投诉受理话术',
    '“您好，非常抱歉给您带来不便。您反映的情况我已详细记录，工单号是××，我是您的首问责任人，后续由我全程跟进，' +
      '预计在×个工作日内给您答复。请问还有其他需要补充的吗？”',
    ['投诉', '话术'],
  ],
  [
    '话术',
    'script',
    '追加保证金通知话术',
    '“您好，我是××期货客服。根据今日结算，您账户的风险度已超过 100%，请于下一交易日开盘前追加保证金或自行减仓，' +
      '否则公司将按合同约定进行强行平仓。如需协助请随时联系我。”',
    ['保证金', '追保', '话术'],
  ],
];

const MACROS: [string, string, string | null][] = [
  [
    '受理确认',
    '{{customer.name}}您好，您的问题已受理，工单号 {{ticket.number}}，由{{agent.name}}全程为您跟进。',
    null,
  ],
  [
    '转办告知',
    '{{customer.name}}您好，您的问题需要相关部门核实，我已内部转办，结果出来后由我（{{agent.name}}）直接答复您，您无需重复说明。',
    null,
  ],
  [
    '投诉受理告知',
    '{{customer.name}}您好，您的投诉（{{ticket.number}}）已正式受理，我们将在规定时限内调查处理并回复您。',
    'complaint',
  ],
  [
    '处理完毕回访',
    '{{customer.name}}您好，工单 {{ticket.number}} 已处理完毕，请问您对处理结果是否满意？',
    null,
  ],
];

export async function demoKnowledgeBase(db: Database) {
  const any = await db.selectFrom('kb_articles').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirst();
  const cats = new Map<string, number>();
  for (const name of [...new Set(ARTICLES.map((a) => a[0]))]) {
    const c = await db
      .insertInto('kb_categories')
      .values({ name, sort: cats.size })
      .returning('id')
      .executeTakeFirstOrThrow();
    cats.set(name, c.id);
  }
  for (const [cat, kind, title, body, tags] of ARTICLES) {
    const a = await db
      .insertInto('kb_articles')
      .values({
        category_id: cats.get(cat)!,
        kind,
        title,
        body,
        status: 'published',
        tags,
        search_grams: searchGrams(`${title} ${body} ${tags.join(' ')}`),
        created_by: admin?.id ?? null,
        updated_by: admin?.id ?? null,
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    await db
      .insertInto('kb_article_versions')
      .values({
        article_id: a.id,
        version: 1,
        title,
        body,
        kind,
        status: 'published',
        category_id: cats.get(cat)!,
        tags,
        changed_by: admin?.id ?? null,
      })
      .execute();
  }
  await db
    .insertInto('kb_macros')
    .values(
      MACROS.map(([name, body, ticket_type]) => ({ name, body, ticket_type, created_by: admin?.id ?? null })),
    )
    .execute();
}

demoSteps.push(async (db) => {
  await demoKnowledgeBase(db);
});
