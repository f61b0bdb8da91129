// The segment rule as edited: the server's JSON tree (AND/OR groups, leaves field/op/value) with a local key
// on every node for React; `toServer` strips the keys and leaves out unfinished conditions.
import type { Schema } from '../../app/api/client';
export type Leaf = { k: string; field: string; op: string; value?: unknown };
export type Group = { k: string; op: 'and' | 'or'; rules: Node[] };
export type Node = Leaf | Group;
/** The rule as the server takes it (the OpenAPI component `SegmentRuleInput`). */
export type ServerRule = Schema<'SegmentRuleInput'>;
type ServerNode = Schema<'SegmentRuleNodeInput'>;
type ServerLeaf = Schema<'SegmentRuleLeafInput'>;

let seq = 0;
export const key = () => `n${++seq}`;
export const isGroup = (n: Node): n is Group => 'rules' in n;

export type FieldType = 'number' | 'text' | 'tags' | 'boolean' | 'date';
export const METRIC_FIELDS = [
  'assets',
  'tradingDays',
  'revenue',
  'volume',
  'revenue12m',
  'volume12m',
  'openComplaints',
  'tickets90d',
  'csatAvg',
] as const;
export const BUILTIN_FIELDS: { field: string; type: FieldType }[] = [
  { field: 'tier', type: 'text' },
  { field: 'status', type: 'text' },
  { field: 'riskLevel', type: 'text' },
  { field: 'purpose', type: 'text' },
  { field: 'tags', type: 'tags' },
  { field: 'keyCustomer', type: 'boolean' },
  { field: 'daysSinceContact', type: 'number' },
  // Age in whole years, relative to the day the segment is counted (the server compares birth dates with today).
  { field: 'age', type: 'number' },
  // A fixed birth date: kept so rules saved with it read in words; for "65 and over" use age.
  { field: 'birthDate', type: 'date' },
];
export const OPS: Record<FieldType, string[]> = {
  number: ['gte', 'gt', 'lte', 'lt', 'eq', 'ne', 'between', 'empty', 'notEmpty'],
  text: ['eq', 'ne', 'in', 'contains', 'empty', 'notEmpty'],
  tags: ['hasAny', 'hasAll', 'empty', 'notEmpty'],
  boolean: ['eq'],
  date: ['lte', 'gte', 'between', 'empty', 'notEmpty'],
};

function leafDone(l: Leaf) {
  if (!l.field || !l.op) return false;
  if (l.op === 'empty' || l.op === 'notEmpty') return true;
  if (l.op === 'between')
    return Array.isArray(l.value) && l.value.length === 2 && l.value.every((v) => v != null);
  if (['in', 'hasAny', 'hasAll'].includes(l.op)) return Array.isArray(l.value) && l.value.length > 0;
  return l.value !== undefined && l.value !== null && l.value !== '';
}

export function toServer(g: Group): ServerRule {
  const rules: ServerNode[] = [];
  for (const n of g.rules) {
    if (isGroup(n)) {
      const sub = toServer(n);
      if (sub.rules.length) rules.push(sub);
    } else if (leafDone(n)) {
      const { k: _k, ...leaf } = n;
      if (leaf.op === 'empty' || leaf.op === 'notEmpty') delete leaf.value;
      rules.push(leaf as ServerLeaf);
    }
  }
  return { op: g.op, rules };
}

export function fromServer(r: unknown): Group {
  const g = (r ?? { op: 'and', rules: [] }) as { op?: 'and' | 'or'; rules?: unknown[] };
  return {
    k: key(),
    op: g.op ?? 'and',
    rules: (g.rules ?? []).map((n) =>
      n && typeof n === 'object' && 'rules' in n ? fromServer(n) : { ...(n as Omit<Leaf, 'k'>), k: key() },
    ),
  };
}
