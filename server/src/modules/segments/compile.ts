// The segment rule language: a JSON tree of AND/OR groups whose leaves test a customer field, custom field, tag
// (the customer search's filter language, reused) or a metric (customer_metrics_current). The whole tree compiles
// to ONE parameterised WHERE clause over `customers` left-joined to `customer_metrics_current as m`; values are
// always bound parameters, field names always come from a fixed list.
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { named } from '../../platform/schemas.ts';
import type { CustomFieldDef } from '../customers/index.ts';
import { compileFilter, FILTER_OPS } from '../customers/index.ts';

export type RuleLeaf = { field: string; op: (typeof FILTER_OPS)[number]; value?: unknown };
export type RuleGroup = { op: 'and' | 'or'; rules: RuleNode[] };
export type RuleNode = RuleLeaf | RuleGroup;

export const ZRuleLeaf = named(
  'SegmentRuleLeaf',
  z.object({
    field: z.string().min(1).max(80),
    op: z.enum(FILTER_OPS),
    value: z.unknown().optional(),
  }),
);
// Recursive, so it must be a named component (the OpenAPI document refers to it from inside itself).
export const ZRuleNode: z.ZodType<RuleNode> = named(
  'SegmentRuleNode',
  z.lazy(() =>
    z.union([z.object({ op: z.enum(['and', 'or']), rules: z.array(ZRuleNode).min(1).max(50) }), ZRuleLeaf]),
  ),
  'A group of rules joined by AND/OR, or a leaf testing one field.',
) as z.ZodType<RuleNode>;
/** A rule as stored and sent: always a group at the top, at most 5 levels and 100 leaves (checked after parsing). */
export const ZRule = named(
  'SegmentRule',
  z.object({ op: z.enum(['and', 'or']), rules: z.array(ZRuleNode).max(50) }),
);

/** Metric fields: `metric.<name>` → column of customer_metrics_current (m). */
export const METRIC_FIELDS: Record<string, string> = {
  assets: 'assets',
  volume: 'volume',
  revenue: 'revenue',
  tradingDays: 'trading_days',
  revenue12m: 'revenue_12m',
  volume12m: 'volume_12m',
  openComplaints: 'open_complaints',
  tickets90d: 'tickets_90d',
  csatAvg: 'csat_avg',
};
/** Derived fields that are not plain columns. */
const DAYS_SINCE_CONTACT = sql`(extract(epoch from (now() - customers.last_contact_at)) / 86400)`;

/** Whole years of age: a non-negative integer up to 150. */
const years = (v: unknown, path: string) => {
  const n = num(v, path);
  if (!Number.isInteger(n) || n < 0 || n > 150) throw new RuleError(path, 'VALUE_AGE');
  return n;
};
/** Born on or before today minus n years (i.e. aged at least n today) — relative to the day the rule runs. */
const agedAtLeast = (n: number) =>
  sql<SqlBool>`customers.birth_date <= current_date - make_interval(years => ${n}::int)`;
/**
 * Age in whole years, always relative to today: `age ≥ 65` stays true of the people who are 65 or older on the day
 * the segment is counted, not of those born before a date fixed when the rule was saved. Compiled to comparisons
 * of birth_date with current_date - N years (the index on birth_date can serve them); no birth date → no match.
 */
function ageCompare(leaf: RuleLeaf, path: string): RawBuilder<SqlBool> {
  const not = (c: RawBuilder<SqlBool>) => sql<SqlBool>`(customers.birth_date is not null and not ${c})`;
  switch (leaf.op) {
    case 'gte':
      return agedAtLeast(years(leaf.value, path));
    case 'gt':
      return agedAtLeast(years(leaf.value, path) + 1);
    case 'lt':
      return not(agedAtLeast(years(leaf.value, path)));
    case 'lte':
      return not(agedAtLeast(years(leaf.value, path) + 1));
    case 'eq': {
      const n = years(leaf.value, path);
      return sql<SqlBool>`(${agedAtLeast(n)} and not ${agedAtLeast(n + 1)})`;
    }
    case 'ne': {
      const n = years(leaf.value, path);
      return not(sql<SqlBool>`(${agedAtLeast(n)} and not ${agedAtLeast(n + 1)})`);
    }
    case 'between': {
      if (!Array.isArray(leaf.value) || leaf.value.length !== 2) throw new RuleError(path, 'VALUE_LIST');
      const [a, b] = [years(leaf.value[0], path), years(leaf.value[1], path)];
      return sql<SqlBool>`(${agedAtLeast(a)} and not ${agedAtLeast(b + 1)})`;
    }
    case 'empty':
      return sql<SqlBool>`customers.birth_date is null`;
    case 'notEmpty':
      return sql<SqlBool>`customers.birth_date is not null`;
    default:
      throw new RuleError(path, 'OP_NOT_FOR_TYPE');
  }
}

export class RuleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const num = (v: unknown, path: string) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new RuleError(path, 'VALUE_NUMBER');
  return n;
};

function numericCompare(col: RawBuilder<unknown>, leaf: RuleLeaf, path: string): RawBuilder<SqlBool> {
  const v = () => sql`${num(leaf.value, path)}::numeric`;
  switch (leaf.op) {
    case 'eq':
      return sql<SqlBool>`${col} = ${v()}`;
    case 'ne':
      return sql<SqlBool>`${col} is distinct from ${v()}`;
    case 'gt':
      return sql<SqlBool>`${col} > ${v()}`;
    case 'gte':
      return sql<SqlBool>`${col} >= ${v()}`;
    case 'lt':
      return sql<SqlBool>`${col} < ${v()}`;
    case 'lte':
      return sql<SqlBool>`${col} <= ${v()}`;
    case 'between': {
      if (!Array.isArray(leaf.value) || leaf.value.length !== 2) throw new RuleError(path, 'VALUE_LIST');
      return sql<SqlBool>`${col} between ${num(leaf.value[0], path)}::numeric and ${num(leaf.value[1], path)}::numeric`;
    }
    case 'in': {
      if (!Array.isArray(leaf.value) || leaf.value.length === 0 || leaf.value.length > 200)
        throw new RuleError(path, 'VALUE_LIST');
      return sql<SqlBool>`${col} in (${sql.join(leaf.value.map((x) => sql`${num(x, path)}::numeric`))})`;
    }
    case 'empty':
      return sql<SqlBool>`${col} is null`;
    case 'notEmpty':
      return sql<SqlBool>`${col} is not null`;
    default:
      throw new RuleError(path, 'OP_NOT_FOR_TYPE');
  }
}

function leafCondition(leaf: RuleLeaf, defs: CustomFieldDef[], path: string): RawBuilder<SqlBool> {
  if (leaf.field.startsWith('metric.')) {
    const col = METRIC_FIELDS[leaf.field.slice(7)];
    if (!col) throw new RuleError(path, 'FIELD_UNKNOWN');
    return numericCompare(sql.ref(`m.${col}`), leaf, path);
  }
  if (leaf.field === 'daysSinceContact') return numericCompare(DAYS_SINCE_CONTACT, leaf, path);
  if (leaf.field === 'age') return ageCompare(leaf, path);
  if (leaf.field === 'keyCustomer') {
    if (leaf.op !== 'eq' || typeof leaf.value !== 'boolean') throw new RuleError(path, 'VALUE_BOOLEAN');
    return sql<SqlBool>`customers.key_customer = ${leaf.value}`;
  }
  try {
    return compileFilter(leaf, defs);
  } catch (e) {
    // The customer search's own filter errors (unknown field, wrong value) become rule errors at this path.
    if (e instanceof Error && e.constructor.name === 'FilterError') throw new RuleError(path, e.message);
    throw e;
  }
}

/** Whether a rule reads metrics (then the query joins customer_metrics_current). */
export function usesMetrics(node: RuleNode): boolean {
  if ('rules' in node) return node.rules.some(usesMetrics);
  return node.field.startsWith('metric.');
}

/** Compiles a rule tree into one boolean expression; every problem is reported with its path (rules.0.rules.1). */
export function compileRule(
  eb: ExpressionBuilder<any, any>,
  node: RuleNode,
  defs: CustomFieldDef[],
  path = 'rule',
  depth = 0,
  counter = { leaves: 0 },
): Expression<SqlBool> {
  if ('rules' in node) {
    if (depth > 5) throw new RuleError(path, 'TOO_DEEP');
    if (node.rules.length === 0) return node.op === 'and' ? eb.lit(true) : eb.lit(false);
    const parts = node.rules.map((r, i) =>
      compileRule(eb, r, defs, `${path}.rules.${i}`, depth + 1, counter),
    );
    return node.op === 'and' ? eb.and(parts) : eb.or(parts);
  }
  if (++counter.leaves > 100) throw new RuleError(path, 'TOO_MANY_CONDITIONS');
  return leafCondition(node, defs, path);
}

/** Compiles without a query, to validate a rule before saving it; returns field errors (empty when valid). */
export function checkRule(
  node: RuleNode,
  defs: CustomFieldDef[],
  eb: ExpressionBuilder<any, any>,
): Record<string, string> {
  try {
    compileRule(eb, node, defs);
    return {};
  } catch (e) {
    if (e instanceof RuleError) return { [e.path]: e.message };
    throw e;
  }
}
