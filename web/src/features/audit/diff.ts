import dayjs from 'dayjs';

// Before/after of an audit row as a list of changed fields, for people to read: each field by its label (old → new),
// never by its code.

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

/** A field name as the label key of audit.json `fields`: column names and API names share one key (snake_case). */
export const fieldKey = (part: string) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** A field with no label yet, in words rather than as code: `assignee_id` / `assigneeId` → "assignee id". */
export const fieldWords = (part: string) => fieldKey(part).replace(/_/g, ' ').trim();

/** The label of a (flattened, `a.b`) field: each part by its label, or in words when it has none. */
export function fieldLabel(field: string, label: (key: string) => string | undefined): string {
  if (field === '(value)') return label('value') ?? 'value';
  return field
    .split('.')
    .map((p) => label(fieldKey(p)) ?? fieldWords(p))
    .join(' · ');
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '∅';
  if (typeof v === 'string') return ISO_TIME.test(v) ? dayjs(v).format('YYYY-MM-DD HH:mm:ss') : v;
  if (Array.isArray(v))
    return v.every((x) => typeof x !== 'object') ? v.map(String).join('、') : JSON.stringify(v);
  return JSON.stringify(v);
}
