// Custom fields (自定义字段): the administrator defines them per customer kind; values live in customers.custom and
// are validated here the same way for forms, the importer and the API.
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { badRequest, conflict } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import { normalizeText } from './normalize.ts';
import { inTx } from './repo.ts';
import type { CustomerKind, CustomFieldType } from './tables.ts';

export type CustomFieldDef = {
  id: number;
  key: string;
  kind: CustomerKind | 'all';
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: { value: string; label: string }[];
  position: number;
  active: boolean;
  version: number;
};

const out = (r: any): CustomFieldDef => ({
  id: r.id,
  key: r.key,
  kind: r.kind,
  label: r.label,
  type: r.type,
  required: r.required,
  options: r.options ?? [],
  position: r.position,
  active: r.active,
  version: r.version,
});

/** All definitions (active and retired), in form order. Small table: read whole. */
export async function loadCustomFields(ctx: Ctx): Promise<CustomFieldDef[]> {
  const rows = await ctx.db
    .selectFrom('custom_field_definitions')
    .selectAll()
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(out);
}

export async function listCustomFields(
  ctx: AuthedCtx,
  q: { kind?: CustomerKind; includeInactive?: boolean },
) {
  requirePermission(ctx.actor, 'customer.read');
  return (await loadCustomFields(ctx)).filter(
    (d) => (q.includeInactive || d.active) && (!q.kind || d.kind === 'all' || d.kind === q.kind),
  );
}

function checkOptions(type: CustomFieldType, options: { value: string }[] | undefined) {
  const choice = type === 'single_choice' || type === 'multi_choice';
  if (choice && (!options || options.length === 0))
    throw badRequest('OPTIONS_REQUIRED', 'A choice field needs options', { options: 'OPTIONS_REQUIRED' });
  if (!choice && options && options.length > 0)
    throw badRequest('OPTIONS_NOT_ALLOWED', 'Only choice fields have options', {
      options: 'OPTIONS_NOT_ALLOWED',
    });
  if (options && new Set(options.map((o) => o.value)).size !== options.length)
    throw badRequest('OPTIONS_DUPLICATE', 'Option values must be unique', { options: 'OPTIONS_DUPLICATE' });
}

export async function createCustomField(
  ctx: AuthedCtx,
  input: {
    key: string;
    kind: CustomerKind | 'all';
    label: string;
    type: CustomFieldType;
    required?: boolean;
    options?: { value: string; label: string }[];
    position?: number;
  },
) {
  requirePermission(ctx.actor, 'admin.settings');
  checkOptions(input.type, input.options);
  return inTx(ctx, async (tx) => {
    const taken = await tx.db
      .selectFrom('custom_field_definitions')
      .select('id')
      .where('key', '=', input.key)
      .executeTakeFirst();
    if (taken) throw conflict('CUSTOM_FIELD_KEY_TAKEN', 'A custom field with this key exists');
    const row = await tx.db
      .insertInto('custom_field_definitions')
      .values({
        key: input.key,
        kind: input.kind,
        label: input.label,
        type: input.type,
        required: input.required ?? false,
        options: JSON.stringify(input.options ?? []),
        position: input.position ?? 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'custom_field.created', entity: 'custom_field', entityId: row.id, after: row });
    return out(row);
  });
}

export async function updateCustomField(
  ctx: AuthedCtx,
  id: number,
  input: {
    version: number;
    label?: string;
    kind?: CustomerKind | 'all';
    required?: boolean;
    options?: { value: string; label: string }[];
    position?: number;
    active?: boolean;
  },
) {
  requirePermission(ctx.actor, 'admin.settings');
  return inTx(ctx, async (tx) => {
    const { after: row } = await updateVersioned(tx, {
      table: 'custom_field_definitions',
      id,
      version: input.version,
      notFound: ['CUSTOM_FIELD_NOT_FOUND', 'Custom field not found'],
      conflict: { message: 'Someone else changed this field; reload and try again', current: out },
      patch: (before) => {
        if (input.options !== undefined) checkOptions(before.type, input.options);
        return {
          ...(input.label !== undefined && { label: input.label }),
          ...(input.kind !== undefined && { kind: input.kind }),
          ...(input.required !== undefined && { required: input.required }),
          ...(input.options !== undefined && { options: JSON.stringify(input.options) }),
          ...(input.position !== undefined && { position: input.position }),
          ...(input.active !== undefined && { active: input.active }),
        };
      },
      audit: { action: 'custom_field.updated', entity: 'custom_field' },
    });
    return out(row);
  });
}

const applies = (d: CustomFieldDef, kind: CustomerKind) => d.kind === 'all' || d.kind === kind;
const isEmpty = (v: unknown) =>
  v == null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** Normalises one value for its field; returns [value] or an error code. */
export function customValue(def: CustomFieldDef, v: unknown): { value: unknown } | { error: string } {
  if (isEmpty(v)) return { value: null };
  switch (def.type) {
    case 'text': {
      if (typeof v !== 'string' && typeof v !== 'number') return { error: 'CUSTOM_TEXT' };
      const s = normalizeText(String(v));
      if (s && s.length > 2000) return { error: 'CUSTOM_TOO_LONG' };
      return { value: s };
    }
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim().replace(/,/g, '')) : NaN;
      return Number.isFinite(n) ? { value: n } : { error: 'CUSTOM_NUMBER' };
    }
    case 'date': {
      const s = typeof v === 'string' ? v.trim() : '';
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (!m) return { error: 'CUSTOM_DATE' };
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      return d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3]
        ? { value: s }
        : { error: 'CUSTOM_DATE' };
    }
    case 'single_choice': {
      const s = typeof v === 'string' ? v.trim() : String(v);
      return def.options.some((o) => o.value === s) ? { value: s } : { error: 'CUSTOM_OPTION' };
    }
    case 'multi_choice': {
      const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,;，；]/) : [v];
      const vals = [...new Set(arr.map((x) => String(x).trim()).filter((x) => x !== ''))];
      if (vals.some((x) => !def.options.some((o) => o.value === x))) return { error: 'CUSTOM_OPTION' };
      return { value: vals.length ? vals : null };
    }
  }
}

/**
 * Validates the custom values being written for a customer of `kind`. `incoming` holds only keys being set
 * (null clears); `merged` is the resulting whole object, checked for required fields when `checkRequired`.
 * Returns the normalised incoming values and field errors keyed `custom.<key>`.
 */
export function validateCustomValues(
  defs: CustomFieldDef[],
  kind: CustomerKind,
  incoming: Record<string, unknown>,
  existing: Record<string, unknown>,
  checkRequired: boolean,
): { values: Record<string, unknown>; merged: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(incoming)) {
    const def = defs.find((d) => d.key === k && d.active && applies(d, kind));
    if (!def) {
      errors[`custom.${k}`] = 'CUSTOM_FIELD_UNKNOWN';
      continue;
    }
    const r = customValue(def, v);
    if ('error' in r) errors[`custom.${k}`] = r.error;
    else values[k] = r.value;
  }
  const merged: Record<string, unknown> = { ...existing };
  for (const [k, v] of Object.entries(values)) {
    if (v == null) delete merged[k];
    else merged[k] = v;
  }
  if (checkRequired) {
    for (const d of defs)
      if (d.active && d.required && applies(d, kind) && isEmpty(merged[d.key]) && !errors[`custom.${d.key}`])
        errors[`custom.${d.key}`] = 'REQUIRED';
  }
  return { values, merged, errors };
}
