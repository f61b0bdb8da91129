import dayjs from 'dayjs';

// Before/after of an audit row as a list of changed fields, for people to read.

export type DiffRow = { field: string; before: unknown; after: unknown; changed: boolean };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** One row per field present in either side; nested objects are flattened as `a.b`. */
export function auditDiff(before: unknown, after: unknown): DiffRow[] {
  const b = flatten(before);
  const a = flatten(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.map((field) => {
    const changed = JSON.stringify(b[field]) !== JSON.stringify(a[field]);
    return { field, before: b[field], after: a[field], changed };
  });
}

function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (!isObj(v)) {
    if (v !== undefined && v !== null && prefix === '') out['(value)'] = v;
    return out;
  }
  for (const [k, val] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(val) && Object.keys(val).length > 0) flatten(val, key, out);
    else out[key] = val;
  }
  return out;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '∅';
  if (typeof v === 'string') return ISO_TIME.test(v) ? dayjs(v).format('YYYY-MM-DD HH:mm:ss') : v;
  return JSON.stringify(v);
}
