// The customer fields an import file can fill, their labels in every interface language (so a header such as
// 客户编号, 客戶編號 or "Customer code" maps by itself), and how each cell is read and checked.
import {
  creditCodeProblem,
  idCardInfo,
  idNumberProblem,
  normalizeCode,
  normalizeEmail,
  normalizeIdNumber,
  normalizeMultiline,
  normalizeName,
  normalizeText,
  parsePhone,
} from '../normalize.ts';

export type Locale = 'zh-CN' | 'zh-TW' | 'en';
type Parsed = { value: unknown } | { error: string };

export type ImportField = {
  /** The field's name in the API and in saved mappings (a custom field is `custom.<key>`). */
  key: string;
  /** The customers column it fills (custom fields go into `custom`, profile fields into `profile`). */
  column: string;
  labels: Record<Locale, string>;
  /** Other headers people use for it. */
  aliases?: string[];
  parse: (raw: string) => Parsed;
  /** SQL type of the column in the batch's json_to_recordset. */
  sqlType: string;
};

const text =
  (max: number) =>
  (raw: string): Parsed => {
    const v = normalizeText(raw);
    if (v != null && v.length > max) return { error: 'TOO_LONG' };
    return { value: v };
  };

/** Text whose line breaks are kept (notes): the API's normalisation, so an export imports back equal. */
const multiline =
  (max: number) =>
  (raw: string): Parsed => {
    const v = normalizeMultiline(raw);
    if (v != null && v.length > max) return { error: 'TOO_LONG' };
    return { value: v };
  };

/** Reads a value from a fixed set, by its code or any of its names in any language. */
function choice(values: Record<string, string[]>) {
  const index = new Map<string, string>();
  for (const [code, names] of Object.entries(values)) {
    index.set(code.toLowerCase(), code);
    for (const n of names) index.set(n.toLowerCase(), code);
  }
  return (raw: string): Parsed => {
    const v = normalizeText(raw);
    if (v == null) return { value: null };
    const hit = index.get(v.toLowerCase().replace(/\s+/g, ''));
    return hit ? { value: hit } : { error: 'CHOICE_INVALID' };
  };
}

function date(raw: string): Parsed {
  const v = normalizeText(raw);
  if (v == null) return { value: null };
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return { error: 'DATE_INVALID' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d || y < 1900)
    return { error: 'DATE_INVALID' };
  return { value: `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

function money(raw: string): Parsed {
  const v = normalizeText(raw);
  if (v == null) return { value: null };
  let s = v.replace(/[,，\s¥￥]/g, '').replace(/元$/, '');
  let factor = 1;
  if (s.endsWith('万')) {
    factor = 10_000;
    s = s.slice(0, -1);
  } else if (s.endsWith('亿')) {
    factor = 100_000_000;
    s = s.slice(0, -1);
  }
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { error: 'NUMBER_INVALID' };
  const n = Number(s) * factor;
  if (n < 0 || n >= 1e18) return { error: 'NUMBER_INVALID' };
  return { value: factor === 1 ? s : n.toFixed(2) };
}

function phone(raw: string): Parsed {
  const r = parsePhone(raw);
  return 'error' in r ? { error: r.error } : { value: r.value };
}

function tags(raw: string): Parsed {
  const v = normalizeText(raw);
  if (v == null) return { value: null };
  const list = [
    ...new Set(
      v
        .split(/[,;、|，；]/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (list.some((t) => t.length > 50) || list.length > 50) return { error: 'TOO_LONG' };
  return { value: list };
}

function list(raw: string): Parsed {
  const v = normalizeText(raw);
  if (v == null) return { value: null };
  return {
    value: [
      ...new Set(
        v
          .split(/[,;、|，；/]/)
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ],
  };
}

const f = (
  key: string,
  labels: [string, string, string],
  parse: ImportField['parse'],
  opts: { aliases?: string[]; column?: string; sqlType?: string } = {},
): ImportField => ({
  key,
  column: opts.column ?? key,
  labels: { 'zh-CN': labels[0], 'zh-TW': labels[1], en: labels[2] },
  aliases: opts.aliases,
  parse,
  sqlType: opts.sqlType ?? 'text',
});

export const BUILTIN_FIELDS: ImportField[] = [
  f(
    'code',
    ['客户编号', '客戶編號', 'Customer code'],
    (raw) => {
      const v = normalizeCode(raw);
      if (v != null && v.length > 64) return { error: 'TOO_LONG' };
      return { value: v };
    },
    {
      aliases: [
        '资金账号',
        '資金帳號',
        '客户代码',
        '客户号',
        '账号',
        'account number',
        'customer no',
        'code',
      ],
    },
  ),
  f(
    'name',
    ['客户姓名', '客戶姓名', 'Customer name'],
    (raw) => {
      const v = normalizeName(raw);
      if (v != null && v.length > 200) return { error: 'TOO_LONG' };
      return { value: v };
    },
    { aliases: ['姓名', '客户名称', '客戶名稱', '名称', 'name', 'full name'] },
  ),
  f(
    'kind',
    ['客户类型', '客戶類型', 'Customer type'],
    choice({
      individual: ['个人', '個人', '个人客户', '個人客戶', '自然人', 'person'],
      organisation: [
        '机构',
        '機構',
        '机构客户',
        '機構客戶',
        '法人',
        '企业',
        '企業',
        '公司',
        'organization',
        'company',
      ],
    }),
    { aliases: ['类型', 'type', 'kind'] },
  ),
  f(
    'status',
    ['客户状态', '客戶狀態', 'Status'],
    choice({
      prospect: ['潜在', '潛在', '潜在客户', '意向'],
      active: ['正常', '有效', '活跃', '活躍'],
      dormant: ['睡眠', '休眠', '睡眠户', '睡眠戶', '不活跃'],
      closed: ['销户', '銷戶', '已销户', '已銷戶', '注销', '註銷'],
    }),
    { aliases: ['状态', '狀態'] },
  ),
  f('branch', ['营业部', '營業部', 'Branch'], text(100), {
    column: 'branch_id',
    aliases: ['营业部代码', '营业部名称', '所属营业部', '分支机构'],
  }),
  f('owner', ['客户经理', '客戶經理', 'Account manager'], text(100), {
    column: 'owner_id',
    aliases: ['经纪人', '經紀人', '服务人员', 'owner'],
  }),
  f('sourceChannel', ['来源渠道', '來源渠道', 'Source channel'], text(100), {
    column: 'source_channel',
    aliases: ['来源', '渠道', 'source'],
  }),
  f('tier', ['客户级别', '客戶級別', 'Tier'], text(50), { aliases: ['客户等级', '级别', 'value tier'] }),
  f('tags', ['标签', '標籤', 'Tags'], tags, { sqlType: 'text[]' }),
  f('notes', ['备注', '備註', 'Notes'], multiline(4000), {
    aliases: ['说明', 'remark', 'remarks', 'note'],
  }),
  f(
    'idType',
    ['证件类型', '證件類型', 'ID type'],
    choice({
      id_card: ['身份证', '身份證', '居民身份证', '居民身份證', 'id card', 'idcard'],
      passport: ['护照', '護照'],
      hk_macao_permit: ['港澳通行证', '港澳居民来往内地通行证', '回乡证'],
      taiwan_permit: ['台胞证', '台湾居民来往大陆通行证', '台胞證'],
      foreign_permanent: ['外国人永久居留证', '永居证'],
      military: ['军官证', '軍官證'],
      other: ['其他', '其它'],
    }),
    { column: 'id_type' },
  ),
  f('idNumber', ['证件号码', '證件號碼', 'ID number'], (raw) => ({ value: normalizeIdNumber(raw) }), {
    column: 'id_number',
    aliases: ['身份证号', '身份证号码', '身份證號', '身份證號碼', '证件号', 'id no', 'id card number'],
  }),
  f(
    'gender',
    ['性别', '性別', 'Gender'],
    choice({
      male: ['男', 'm', '男性'],
      female: ['女', 'f', '女性'],
      unknown: ['未知', '不详'],
    }),
    { aliases: ['sex'] },
  ),
  f('birthDate', ['出生日期', '出生日期', 'Birth date'], date, {
    column: 'birth_date',
    sqlType: 'date',
    aliases: ['生日', 'birthday', 'date of birth'],
  }),
  f('phone', ['手机号码', '手機號碼', 'Mobile phone'], phone, {
    aliases: [
      '手机',
      '手机号',
      '手機',
      '联系电话',
      '聯繫電話',
      '电话',
      '電話',
      'mobile',
      'phone',
      'phone number',
    ],
  }),
  f('phoneBackup', ['备用电话', '備用電話', 'Backup phone'], phone, {
    column: 'phone_backup',
    aliases: ['备用手机', '其他电话', '固定电话', 'backup phone number'],
  }),
  f(
    'email',
    ['电子邮箱', '電子郵箱', 'Email'],
    (raw) => {
      const v = normalizeEmail(raw);
      if (v != null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return { error: 'EMAIL_INVALID' };
      return { value: v };
    },
    { aliases: ['邮箱', '郵箱', '电子邮件', 'e-mail', 'mail'] },
  ),
  f('address', ['联系地址', '聯繫地址', 'Address'], text(500), { aliases: ['地址', '住址', '通讯地址'] }),
  f('occupation', ['职业', '職業', 'Occupation'], text(100)),
  f('employer', ['工作单位', '工作單位', 'Employer'], text(200), { aliases: ['单位', '公司名称'] }),
  f('registeredName', ['注册名称', '註冊名稱', 'Registered name'], text(200), {
    column: 'registered_name',
    aliases: ['机构全称', '企业名称'],
  }),
  f(
    'creditCode',
    ['统一社会信用代码', '統一社會信用代碼', 'Unified social credit code'],
    (raw) => {
      const v = normalizeIdNumber(raw);
      if (v == null) return { value: null };
      const p = creditCodeProblem(v);
      return p ? { error: p } : { value: v };
    },
    { column: 'credit_code', aliases: ['信用代码', 'credit code', 'uscc'] },
  ),
  f('industry', ['所属行业', '所屬行業', 'Industry'], text(100), { aliases: ['行业', '行業'] }),
  f(
    'riskLevel',
    ['风险承受能力等级', '風險承受能力等級', 'Risk tolerance'],
    (raw) => {
      const v = normalizeText(raw)
        ?.toUpperCase()
        .replace(/[级級]$/, '');
      if (v == null) return { value: null };
      return /^C[1-5]$/.test(v) ? { value: v } : { error: 'CHOICE_INVALID' };
    },
    { column: 'risk_level', aliases: ['风险等级', '風險等級', '风险承受能力', 'risk level'] },
  ),
  f(
    'purpose',
    ['投资目的', '投資目的', 'Purpose'],
    choice({
      hedger: ['套保', '套期保值', '套期保值者', 'hedge', 'hedging'],
      speculator: ['投机', '投機', '投资', 'speculation'],
      both: ['套保+投机', '套保和投机', '兼有', '套保/投机'],
    }),
    { aliases: ['交易目的'] },
  ),
  f('assetsUnderCustody', ['资产规模', '資產規模', 'Assets under custody'], money, {
    column: 'assets_under_custody',
    sqlType: 'numeric',
    aliases: ['资产', '托管资产', '客户权益', '权益', 'assets'],
  }),
  f('products', ['常做品种', '常做品種', 'Typical products'], list, {
    column: 'profile.typicalProducts',
    aliases: ['交易品种', '品种', 'products'],
  }),
  f('experience', ['投资经验', '投資經驗', 'Experience'], text(200), {
    column: 'profile.investmentExperience',
    aliases: ['交易经验'],
  }),
  f('tradingFrequency', ['交易频率', '交易頻率', 'Trading frequency'], text(100), {
    column: 'profile.tradingFrequency',
  }),
  f('investmentNeeds', ['投资需求', '投資需求', 'Investment needs'], text(1000), {
    column: 'profile.investmentNeeds',
  }),
];

/** Comparable form of a header: NFKC, lower case, no spaces, required-markers and colons dropped. */
export function headerKey(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s*:：_\-()（）]/g, '');
}

export type CustomFieldDef = {
  key: string;
  label: string;
  type: string;
  kind: string;
  options: { value: string; label: string }[];
};

/** A custom field as an import field: `custom.<key>`, matched by its label or key. */
export function customImportField(d: CustomFieldDef): ImportField {
  const labels = { 'zh-CN': d.label, 'zh-TW': d.label, en: d.label };
  let parse: ImportField['parse'] = text(1000);
  if (d.type === 'number')
    parse = (raw) => {
      const v = normalizeText(raw)?.replace(/[,，]/g, '');
      if (v == null) return { value: null };
      return /^-?\d+(\.\d+)?$/.test(v) ? { value: Number(v) } : { error: 'NUMBER_INVALID' };
    };
  else if (d.type === 'date') parse = date;
  else if (d.type === 'single_choice' || d.type === 'multi_choice') {
    const byName = new Map<string, string>();
    for (const o of d.options) {
      byName.set(o.value.toLowerCase(), o.value);
      byName.set(o.label.toLowerCase(), o.value);
    }
    parse = (raw) => {
      const vs = list(raw);
      if ('error' in vs || vs.value == null) return vs;
      const out: string[] = [];
      for (const x of vs.value as string[]) {
        const hit = byName.get(x.toLowerCase());
        if (!hit) return { error: 'CHOICE_INVALID' };
        out.push(hit);
      }
      if (d.type === 'single_choice') return out.length > 1 ? { error: 'CHOICE_INVALID' } : { value: out[0] };
      return { value: out };
    };
  }
  return {
    key: `custom.${d.key}`,
    column: `custom.${d.key}`,
    labels,
    aliases: [d.key],
    parse,
    sqlType: 'jsonb',
  };
}

/** Maps each header to a field (or null) by name, label in any language, or alias. */
export function autoMapping(headers: string[], fields: ImportField[]): (string | null)[] {
  const index = new Map<string, string>();
  // Labels first, then aliases, so an exact label wins over someone else's alias.
  for (const fl of fields) {
    for (const l of [fl.key, ...Object.values(fl.labels)])
      if (!index.has(headerKey(l))) index.set(headerKey(l), fl.key);
  }
  for (const fl of fields)
    for (const a of fl.aliases ?? []) if (!index.has(headerKey(a))) index.set(headerKey(a), fl.key);
  const used = new Set<string>();
  return headers.map((h) => {
    const k = index.get(headerKey(h));
    if (!k || used.has(k)) return null;
    used.add(k);
    return k;
  });
}

/** Checks the ID number against its type (default: mainland ID card when it looks like one). */
export function checkIdNumber(
  idType: string | null,
  id: string | null,
): { error: string } | { idType: string | null } {
  if (id == null) return { idType };
  const type = idType ?? (/^\d{17}[\dX]$|^\d{15}$/.test(id) ? 'id_card' : null);
  const p = idNumberProblem(type ?? 'other', id);
  return p ? { error: p } : { idType: type };
}

export { idCardInfo };

/** Reasons a row is rejected, in the importer's language. */
export const REASONS: Record<string, Record<Locale, string>> = {
  REQUIRED: { 'zh-CN': '必填', 'zh-TW': '必填', en: 'is required' },
  TOO_LONG: { 'zh-CN': '内容过长', 'zh-TW': '內容過長', en: 'is too long' },
  CHOICE_INVALID: {
    'zh-CN': '不是可选的值',
    'zh-TW': '不是可選的值',
    en: 'is not one of the allowed values',
  },
  DATE_INVALID: { 'zh-CN': '日期格式不正确', 'zh-TW': '日期格式不正確', en: 'is not a valid date' },
  NUMBER_INVALID: { 'zh-CN': '不是有效的数字', 'zh-TW': '不是有效的數字', en: 'is not a valid number' },
  EMAIL_INVALID: { 'zh-CN': '邮箱格式不正确', 'zh-TW': '郵箱格式不正確', en: 'is not an email address' },
  PHONE_INVALID: { 'zh-CN': '电话号码不正确', 'zh-TW': '電話號碼不正確', en: 'is not a valid phone number' },
  ID_NUMBER_FORMAT: {
    'zh-CN': '证件号码格式不正确',
    'zh-TW': '證件號碼格式不正確',
    en: 'has the wrong format',
  },
  ID_NUMBER_REGION: { 'zh-CN': '地区码不正确', 'zh-TW': '地區碼不正確', en: 'has an invalid region code' },
  ID_NUMBER_BIRTH_DATE: {
    'zh-CN': '出生日期不正确',
    'zh-TW': '出生日期不正確',
    en: 'has an invalid birth date',
  },
  ID_NUMBER_CHECK_DIGIT: { 'zh-CN': '校验位错误', 'zh-TW': '校驗位錯誤', en: 'has a wrong check digit' },
  CREDIT_CODE_FORMAT: { 'zh-CN': '格式不正确', 'zh-TW': '格式不正確', en: 'has the wrong format' },
  CREDIT_CODE_CHECK_DIGIT: { 'zh-CN': '校验位错误', 'zh-TW': '校驗位錯誤', en: 'has a wrong check digit' },
  // One answer for "does not exist" and "outside your scope", so an import tells nothing beyond its scope.
  BRANCH_UNKNOWN: {
    'zh-CN': '不是您可以导入的营业部',
    'zh-TW': '不是您可以匯入的營業部',
    en: 'is not a branch you can import into',
  },
  OWNER_UNKNOWN: {
    'zh-CN': '不是您可以指派的在职用户',
    'zh-TW': '不是您可以指派的在職用戶',
    en: 'is not an active user you can assign',
  },
  OWNER_AMBIGUOUS: {
    'zh-CN': '有多个同名用户，请填写用户名',
    'zh-TW': '有多個同名用戶，請填寫用戶名',
    en: 'matches several users: give the username',
  },
  CUSTOMER_CODE_TAKEN: {
    'zh-CN': '已被其他客户使用',
    'zh-TW': '已被其他客戶使用',
    en: 'is already used by another customer',
  },
  CUSTOMER_MERGED: {
    'zh-CN': '该客户已被合并',
    'zh-TW': '該客戶已被合併',
    en: 'belongs to a merged customer',
  },
  DATABASE: { 'zh-CN': '数据库拒绝了该行', 'zh-TW': '資料庫拒絕了該行', en: 'was refused by the database' },
};

export function reasonText(code: string, locale: Locale): string {
  return REASONS[code]?.[locale] ?? code;
}
