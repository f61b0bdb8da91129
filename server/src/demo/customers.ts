// Demo customers at any size: Chinese names with a realistic surname frequency, valid ID numbers and credit codes,
// mobile numbers, owners, brokerage profiles, organisations with contacts and ~5 interactions each. Rows are made
// in Node and written in chunks (one statement inserts a chunk's customers, contacts and interactions), with the
// next chunk generated while PostgreSQL writes the previous one — a million customers take minutes.
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { Database } from '../db/index.ts';
import type { DB } from '../db/types.ts';
import { idCardCheckChar } from '../modules/customers/normalize.ts';
import { audit } from '../platform/audit.ts';
import type { DemoOptions } from './index.ts';

/** Surnames weighted by their share of the population (per mille, rounded; 王 李 张 刘 陈 lead). */
const SURNAMES: [string, number][] = [
  ['王', 72],
  ['李', 71],
  ['张', 68],
  ['刘', 54],
  ['陈', 45],
  ['杨', 31],
  ['黄', 24],
  ['赵', 22],
  ['吴', 21],
  ['周', 20],
  ['徐', 13],
  ['孙', 12],
  ['马', 12],
  ['朱', 11],
  ['胡', 10],
  ['郭', 10],
  ['何', 9],
  ['高', 8],
  ['林', 8],
  ['罗', 8],
  ['郑', 7],
  ['梁', 7],
  ['谢', 6],
  ['宋', 5],
  ['唐', 5],
  ['许', 5],
  ['韩', 5],
  ['冯', 5],
  ['邓', 5],
  ['曹', 5],
  ['彭', 4],
  ['曾', 4],
  ['肖', 4],
  ['田', 4],
  ['董', 4],
  ['袁', 4],
  ['潘', 3],
  ['于', 3],
  ['蒋', 3],
  ['蔡', 3],
  ['余', 3],
  ['杜', 3],
  ['叶', 3],
  ['程', 3],
  ['苏', 3],
  ['魏', 3],
  ['吕', 3],
  ['丁', 3],
  ['任', 3],
  ['沈', 2],
  ['姚', 2],
  ['卢', 2],
  ['姜', 2],
  ['崔', 2],
  ['钟', 2],
  ['谭', 2],
  ['陆', 2],
  ['汪', 2],
  ['范', 2],
  ['金', 2],
  ['石', 2],
  ['廖', 2],
  ['贾', 2],
  ['夏', 2],
  ['韦', 2],
  ['付', 2],
  ['方', 2],
  ['白', 2],
  ['邹', 2],
  ['孟', 2],
  ['熊', 2],
  ['秦', 2],
  ['邱', 2],
  ['江', 2],
  ['尹', 2],
  ['薛', 1],
  ['闫', 1],
  ['段', 1],
  ['雷', 1],
  ['侯', 1],
  ['龙', 1],
  ['史', 1],
  ['陶', 1],
  ['黎', 1],
  ['贺', 1],
  ['顾', 1],
  ['毛', 1],
  ['郝', 1],
  ['龚', 1],
  ['邵', 1],
  ['万', 1],
  ['钱', 1],
  ['严', 1],
  ['覃', 1],
  ['武', 1],
  ['戴', 1],
  ['莫', 1],
  ['孔', 1],
  ['向', 1],
  ['汤', 1],
  ['常', 1],
  ['温', 1],
  ['康', 1],
  ['施', 1],
  ['文', 1],
  ['牛', 1],
  ['樊', 1],
  ['葛', 1],
  ['邢', 1],
  ['安', 1],
  ['齐', 1],
  ['易', 1],
  ['乔', 1],
  ['伍', 1],
  ['庞', 1],
  ['颜', 1],
  ['倪', 1],
  ['庄', 1],
];
/** Two-character surnames, which make four-character names. */
const COMPOUND = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '慕容', '令狐', '公孙'];
const GIVEN = Array.from(
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华飞鹏辉玲婷建国红云宇浩博文斌志勤凯亮晨欣怡嘉琪子涵' +
    '梓轩思雨佳慧晓燕海波春梅丹凤翔林峰宁琳雪莉颖倩萍玉珍琴瑶宏俊鑫磊坤晗诗琦若曦一诺依彤睿哲宸昊天然' +
    '泽瑞铭昕悦锦宁安心雅晴薇蕾晶淑婉娴雯聪健彬毅翰锋帅兵冰旭阳东升永庆立新立群德福寿长顺利民学荣忠义',
);

const REGIONS = [
  ['110105', '北京市朝阳区'],
  ['110108', '北京市海淀区'],
  ['310115', '上海市浦东新区'],
  ['310104', '上海市徐汇区'],
  ['440304', '深圳市福田区'],
  ['440305', '深圳市南山区'],
  ['320102', '南京市玄武区'],
  ['330106', '杭州市西湖区'],
  ['510104', '成都市锦江区'],
  ['420106', '武汉市武昌区'],
  ['370102', '济南市历下区'],
  ['410105', '郑州市金水区'],
  ['120101', '天津市和平区'],
  ['210102', '大连市中山区'],
  ['350203', '厦门市思明区'],
  ['430104', '长沙市岳麓区'],
];
const ROADS = [
  '建国路',
  '人民路',
  '解放路',
  '中山路',
  '长江路',
  '世纪大道',
  '南京路',
  '和平路',
  '新华路',
  '光明路',
];
const MOBILE_PREFIXES = [
  '138',
  '139',
  '135',
  '136',
  '137',
  '150',
  '151',
  '152',
  '158',
  '159',
  '182',
  '183',
  '187',
  '188',
  '130',
  '131',
  '132',
  '155',
  '156',
  '185',
  '186',
  '133',
  '153',
  '180',
  '181',
  '189',
  '177',
  '199',
  '166',
  '173',
];
const OCCUPATIONS = [
  '企业管理人员',
  '个体工商户',
  '专业技术人员',
  '公务员',
  '教师',
  '医生',
  '自由职业',
  '退休人员',
  '金融从业人员',
  '销售人员',
];
const EMPLOYERS = [
  '中石化',
  '国家电网',
  '华为技术',
  '中国银行',
  '腾讯科技',
  '自营',
  '某贸易公司',
  '某建筑公司',
  '某医院',
  '某高校',
];
const PRODUCTS = [
  '螺纹钢',
  '铜',
  '豆粕',
  '铁矿石',
  '黄金',
  '原油',
  '玉米',
  '白糖',
  '棉花',
  '甲醇',
  'PTA',
  '沪深300股指',
  '橡胶',
  '焦炭',
  '铝',
  '白银',
  '菜粕',
  '棕榈油',
];
const CHANNELS_SRC = [
  '营业部临柜',
  '网上开户',
  '居间人介绍',
  '客户转介绍',
  '银行渠道',
  '投资者教育活动',
  '电话营销',
];
const TAGS = ['高净值', 'VIP', '程序化交易', '套保客户', '新开户', '需回访', '投诉过', '机构大客户'];
const TIERS = ['普通', '银卡', '金卡', '白金', '钻石'];
const INDUSTRIES = [
  '钢铁贸易',
  '有色金属',
  '饲料加工',
  '粮油贸易',
  '化工',
  '电力',
  '私募基金',
  '物流',
  '建筑',
];
const ORG_WORDS = [
  '鑫源',
  '华泰',
  '宏达',
  '金盛',
  '恒通',
  '远大',
  '永丰',
  '中联',
  '瑞祥',
  '嘉禾',
  '天成',
  '汇金',
  '东方',
  '盛世',
  '新希望',
];
const ORG_SUFFIX = [
  '贸易有限公司',
  '实业有限公司',
  '钢铁有限公司',
  '粮油有限公司',
  '投资管理有限公司',
  '化工股份有限公司',
  '物资有限公司',
];
const CONTACT_ROLES = ['财务负责人', '交易员', '法定代表人', '风控经理', '总经理'];

/** Interaction channels, directions and summaries the demo's contact history is made of. */
const INTERACTION_CHANNELS = [
  'phone_in',
  'phone_out',
  'phone_out',
  'visit',
  'counter',
  'wechat',
  'sms',
  'email',
];
const SUMMARIES = [
  '客户咨询保证金计算方式，已解释交易所与公司保证金比例',
  '回访：确认风险承受能力测评结果，客户无异议',
  '客户询问夜盘交易时间及手续费标准',
  '走访客户，了解近期套保需求与库存情况',
  '客户反映行情软件登录缓慢，已转信息技术部处理',
  '提醒客户账户风险度较高，建议追加保证金或减仓',
  '客户咨询银期转账失败原因，已指导重新签约',
  '介绍新上市品种合约规则，客户表示有兴趣',
  '临柜办理适当性信息更新，补充身份证复印件',
  '客户投诉手续费偏高，已记录并反馈客户经理',
];
const OUTCOMES = ['已解答', '已处理', '待跟进', '客户满意', '已转办'];

type Rng = () => number;
/** A small fast deterministic generator (mulberry32), so the same seed makes the same demo. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const SURNAME_POOL: string[] = SURNAMES.flatMap(([s, w]) => Array(w).fill(s));

export function chineseName(r: Rng): string {
  const u = r();
  if (u < 0.01) return pick(r, COMPOUND) + pick(r, GIVEN) + pick(r, GIVEN); // 欧阳子涵
  const surname = pick(r, SURNAME_POOL);
  return u < 0.3 ? surname + pick(r, GIVEN) : surname + pick(r, GIVEN) + pick(r, GIVEN);
}

export function demoIdNumber(
  r: Rng,
  region: string,
): { id: string; birthDate: string; gender: 'male' | 'female' } {
  const y = 1950 + Math.floor(r() * 54);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const seq = Math.floor(r() * 1000);
  const first17 = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
  return {
    id: first17 + idCardCheckChar(first17),
    birthDate: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    gender: seq % 2 === 1 ? 'male' : 'female',
  };
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function demoCreditCode(r: Rng, region: string): string {
  let s = `91${region}`;
  for (let i = 0; i < 9; i++) s += USCC_CHARS[Math.floor(r() * 31)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]) * USCC_WEIGHTS[i];
  return s + USCC_CHARS[(31 - (sum % 31)) % 31];
}

export const demoMobile = (r: Rng) =>
  pick(r, MOBILE_PREFIXES) + String(Math.floor(r() * 1e8)).padStart(8, '0');

type Owners = { branchIds: number[]; ownersByBranch: Map<number, number[]>; staff: number[] };

/** One demo customer row (the columns json_to_recordset reads). */
function makeCustomer(i: number, r: Rng, o: Owners, now: number) {
  const branchId = o.branchIds[i % o.branchIds.length];
  const owners = o.ownersByBranch.get(branchId) ?? [];
  const [region, city] = pick(r, REGIONS);
  const org = r() < 0.05;
  const u = r();
  const status = u < 0.7 ? 'active' : u < 0.85 ? 'dormant' : u < 0.95 ? 'prospect' : 'closed';
  const assets = Math.round(Math.exp(9 + r() * 7)) * (org ? 20 : 1); // ¥8k … ¥10m, organisations larger
  const risk = `C${1 + Math.min(4, Math.floor(r() * r() * 5 + r() * 2))}`;
  const products = [
    ...new Set([pick(r, PRODUCTS), pick(r, PRODUCTS), ...(r() < 0.5 ? [pick(r, PRODUCTS)] : [])]),
  ];
  const lastContact = status === 'prospect' && r() < 0.5 ? null : new Date(now - r() * 730 * 86_400_000);
  const base = {
    code: `D${String(i).padStart(8, '0')}`,
    status,
    branch_id: branchId,
    owner_id: owners.length ? owners[i % owners.length] : null,
    source_channel: pick(r, CHANNELS_SRC),
    tier: TIERS[Math.min(4, Math.floor(Math.log10(assets) - 3.5))] ?? '普通',
    tags: r() < 0.3 ? [pick(r, TAGS)] : [],
    address: `${city}${pick(r, ROADS)}${1 + Math.floor(r() * 999)}号`,
    risk_level: risk,
    assets_under_custody: assets.toFixed(2),
    profile: {
      typicalProducts: products,
      investmentExperience: `${1 + Math.floor(r() * 20)}年`,
      tradingFrequency: pick(r, ['每日', '每周', '每月', '偶尔']),
    },
    last_contact_at: lastContact?.toISOString() ?? null,
    interactions: lastContact ? Math.floor(r() * 9) + 1 : 0, // mean 5
  };
  if (org) {
    const name = `${city.slice(0, 2)}${pick(r, ORG_WORDS)}${pick(r, ORG_SUFFIX)}`;
    const nContacts = 1 + Math.floor(r() * 3);
    const contacts = Array.from({ length: nContacts }, () => chineseName(r));
    return {
      ...base,
      kind: 'organisation',
      name,
      registered_name: name,
      credit_code: demoCreditCode(r, region),
      industry: pick(r, INDUSTRIES),
      purpose: r() < 0.7 ? 'hedger' : 'both',
      phone: `0${10 + Math.floor(r() * 89)}${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
      contact_names: contacts,
      contact_phones: contacts.map(() => demoMobile(r)),
      contact_roles: contacts.map(() => pick(r, CONTACT_ROLES)),
    };
  }
  const id = demoIdNumber(r, region);
  return {
    ...base,
    kind: 'individual',
    name: chineseName(r),
    id_type: 'id_card',
    id_number: id.id,
    gender: id.gender,
    birth_date: id.birthDate,
    phone: demoMobile(r),
    phone_backup: r() < 0.3 ? demoMobile(r) : null,
    email: r() < 0.4 ? `user${i}@example.com` : null,
    occupation: pick(r, OCCUPATIONS),
    employer: pick(r, EMPLOYERS),
    purpose: r() < 0.85 ? 'speculator' : 'both',
    contact_names: [],
    contact_phones: [],
    contact_roles: [],
  };
}

/**
 * Inserts a chunk: its customers, the organisations' contacts, and ~5 interactions per contacted customer, the
 * last one at the customer's last_contact_at. $1 rows (json), $2 staff ids, $3 channels, $4 summaries, $5 outcomes.
 */
const CHUNK_SQL = `
  with s as (
    select * from json_to_recordset($1::json) as x(
      code text, kind text, name text, status text, branch_id bigint, owner_id bigint, source_channel text, tier text,
      tags text[], address text, risk_level text, assets_under_custody numeric, profile jsonb, last_contact_at timestamptz,
      interactions int, registered_name text, credit_code text, industry text, purpose text, phone text,
      phone_backup text, email text, occupation text, employer text, id_type text, id_number text, gender text,
      birth_date date, contact_names text[], contact_phones text[], contact_roles text[])
  ),
  c as (
    insert into customers (code, kind, name, status, branch_id, owner_id, source_channel, tier, tags, address,
      risk_level, assets_under_custody, profile, last_contact_at, registered_name, credit_code, industry, purpose,
      phone, phone_backup, email, occupation, employer, id_type, id_number, gender, birth_date, contact_names,
      contact_phones)
    select code, kind, name, status, branch_id, owner_id, source_channel, tier, tags, address,
      risk_level, assets_under_custody, profile, last_contact_at, registered_name, credit_code, industry, purpose,
      phone, phone_backup, email, occupation, employer, id_type, id_number, gender, birth_date, contact_names,
      contact_phones
    from s
    returning id, code, owner_id, last_contact_at
  ),
  ct as (
    insert into customer_contacts (customer_id, name, role, phone, is_primary, position)
    select c.id, n, s.contact_roles[k], s.contact_phones[k], k = 1, k - 1
      from c join s using (code), unnest(s.contact_names) with ordinality u(n, k)
    returning 1
  ),
  it as (
    insert into interactions (customer_id, channel, direction, occurred_at, staff_id, summary, outcome, source, created_by)
    select c.id, ch, case when ch in ('phone_in', 'counter', 'wechat') then 'inbound' else 'outbound' end,
           c.last_contact_at - g * (interval '23 days' + (abs(hashint8(c.id * 16 + g)) % 86400) * interval '1 second'),
           st, ($4::text[])[1 + abs(hashint8(c.id * 32 + g)) % array_length($4::text[], 1)],
           ($5::text[])[1 + abs(hashint8(c.id * 64 + g)) % array_length($5::text[], 1)], 'manual', st
      from c join s using (code),
           generate_series(0, s.interactions - 1) g,
           lateral (select ($3::text[])[1 + abs(hashint8(c.id * 8 + g)) % array_length($3::text[], 1)] as ch,
                           coalesce(c.owner_id, ($2::bigint[])[1 + abs(hashint8(c.id + g)) % array_length($2::bigint[], 1)]) as st) p
    returning 1
  )
  select (select count(*) from c)::int as customers, (select count(*) from ct)::int as contacts,
         (select count(*) from it)::int as interactions`;

async function prepareOwners(db: Database | Transaction<DB>): Promise<Owners> {
  const branches = await db.selectFrom('branches').select(['id', 'code']).orderBy('id').execute();
  // Branch offices hold the customers; the head office keeps a few.
  const branchIds = branches.flatMap((b) => (b.code === 'HQ' ? [b.id] : [b.id, b.id, b.id]));
  const managers = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['users.id', 'users.branch_id'])
    .where('roles.code', '=', 'account_manager')
    .execute();
  const ownersByBranch = new Map<number, number[]>();
  for (const m of managers)
    ownersByBranch.set(m.branch_id, [...(ownersByBranch.get(m.branch_id) ?? []), m.id]);
  const staff = (await db.selectFrom('users').select('id').execute()).map((u) => u.id);
  return { branchIds, ownersByBranch, staff };
}

/** Adds account managers so every branch has a few owners (same password as the demo users). */
async function addAccountManagers(db: Database) {
  const template = await db
    .selectFrom('users')
    .select(['password_hash', 'department_id'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('code', '=', 'account_manager')
    .executeTakeFirst();
  if (!template || !role) return;
  const branches = await db.selectFrom('branches').select(['id', 'code']).execute();
  const r = rng(7);
  for (const b of branches) {
    for (let k = 1; k <= 3; k++) {
      const username = `am_${b.code.toLowerCase()}_${k}`;
      const u = await db
        .insertInto('users')
        .values({
          username,
          display_name: chineseName(r),
          branch_id: b.id,
          department_id: template.department_id,
          password_hash: template.password_hash,
        })
        .onConflict((oc) => oc.expression(sql`lower(username)`).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (u) await db.insertInto('user_roles').values({ user_id: u.id, role_id: role.id }).execute();
    }
  }
}

export type GenerateOptions = {
  count: number;
  /** First customer number (codes are D00000001 …); default: after the demo customers already there. */
  start?: number;
  chunk?: number;
  seed?: number;
  onProgress?: DemoOptions['onProgress'];
  /** Drop and rebuild secondary indexes around the load (default: from 100 000 customers). */
  bulk?: boolean;
};

/** Secondary indexes of the bulk-loaded tables (not primary keys or unique ones), as PostgreSQL would re-create them. */
async function secondaryIndexes(db: Database | Transaction<DB>) {
  const r = await sql<{ name: string; def: string }>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def
      from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid in ('customers'::regclass, 'interactions'::regclass, 'customer_contacts'::regclass)
       and not i.indisprimary and not i.indisunique`.execute(db);
  return r.rows;
}

/** Foreign keys of the bulk-loaded tables: checked row by row they cost more than the rows themselves. */
async function foreignKeys(db: Database | Transaction<DB>) {
  const r = await sql<{ table: string; name: string; def: string }>`
    select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def
      from pg_constraint
     where contype = 'f'
       and conrelid in ('customers'::regclass, 'interactions'::regclass, 'customer_contacts'::regclass)`.execute(
    db,
  );
  return r.rows;
}

/**
 * Generates `count` demo customers with contacts and interactions; returns what it inserted. A large run
 * (`bulk`) is one transaction that drops the secondary indexes, loads, and builds them again at the end — building
 * an index once over sorted data is many times faster than maintaining it row by row — so a killed run leaves
 * nothing behind.
 */
export async function generateDemoCustomers(db: Database, opts: GenerateOptions) {
  const bulk = opts.bulk ?? opts.count >= 100_000;
  if (!bulk) return generateChunks(db, opts);
  return db.transaction().execute(async (trx) => {
    const indexes = await secondaryIndexes(trx);
    const fks = await foreignKeys(trx);
    for (const fk of fks)
      await sql`alter table ${sql.table(fk.table)} drop constraint ${sql.ref(fk.name)}`.execute(trx);
    for (const ix of indexes) await sql`drop index ${sql.ref(ix.name)}`.execute(trx);
    const totals = await generateChunks(trx, opts);
    await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
    // One pass per key checks every row at once (a join), as pg_restore does.
    for (const fk of fks)
      await sql`alter table ${sql.table(fk.table)} add constraint ${sql.ref(fk.name)} ${sql.raw(fk.def)}`.execute(
        trx,
      );
    for (const [k, ix] of indexes.entries()) {
      opts.onProgress?.(k, indexes.length, 'building indexes');
      await sql.raw(ix.def).execute(trx);
    }
    opts.onProgress?.(indexes.length, indexes.length, 'building indexes');
    return totals;
  });
}

async function generateChunks(db: Database | Transaction<DB>, opts: GenerateOptions) {
  const chunk = opts.chunk ?? 5000;
  const owners = await prepareOwners(db);
  const start =
    opts.start ??
    Number(
      (
        await sql<{
          n: string | null;
        }>`select max(substring(code from 2)::bigint) as n from customers where code ~ '^D[0-9]{8}$'`.execute(
          db,
        )
      ).rows[0]?.n ?? 0,
    ) + 1;
  const r = rng(opts.seed ?? start);
  const now = Date.now();
  const totals = { customers: 0, contacts: 0, interactions: 0 };
  let inflight: Promise<void> | null = null;
  for (let from = 0; from < opts.count; from += chunk) {
    const n = Math.min(chunk, opts.count - from);
    // The next chunk is made while PostgreSQL writes the previous one.
    const rows = Array.from({ length: n }, (_, k) => makeCustomer(start + from + k, r, owners, now));
    const json = JSON.stringify(rows);
    if (inflight) await inflight;
    inflight = db
      .executeQuery<{ customers: number; contacts: number; interactions: number }>(
        CompiledQuery.raw(CHUNK_SQL, [json, owners.staff, INTERACTION_CHANNELS, SUMMARIES, OUTCOMES]),
      )
      .then((res) => {
        const x = res.rows[0];
        totals.customers += x.customers;
        totals.contacts += x.contacts;
        totals.interactions += x.interactions;
        opts.onProgress?.(totals.customers, opts.count, 'demo customers');
      });
    inflight.catch(() => {});
  }
  await inflight;
  return totals;
}

/** The demo step: ~500 customers unless --customers says otherwise. */
export async function loadDemoCustomers(db: Database, opts: DemoOptions) {
  const count = opts.customers ?? 500;
  await addAccountManagers(db);
  if (count === 0) return;
  const totals = await generateDemoCustomers(db, {
    count,
    start: 1,
    seed: 2026,
    onProgress: opts.onProgress,
  });
  await sql`analyze customers`.execute(db);
  await sql`analyze interactions`.execute(db);
  await audit(
    { db, actor: null, ip: null },
    { action: 'demo.customers_loaded', entity: 'system', meta: totals },
  );
}
