// Turns customer input as people send it (API body, an import row) into the stored columns: normalised, validated,
// with every problem reported per field. Pure — no database — so the importer can call it per row.
import type { CustomFieldDef } from './custom-fields.ts';
import { validateCustomValues } from './custom-fields.ts';
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
} from './normalize.ts';
import type { TCustomerInput } from './schema.ts';
import type { CustomerKind } from './tables.ts';

/** The stored form of a customer (snake_case columns) as the write path handles it. */
export type CustomerValues = {
  code: string;
  kind: CustomerKind;
  name: string;
  status: string;
  branch_id: number;
  owner_id: number | null;
  source_channel: string | null;
  tier: string | null;
  tags: string[];
  notes: string | null;
  id_type: string | null;
  id_number: string | null;
  gender: string | null;
  birth_date: string | null;
  phone: string | null;
  phone_backup: string | null;
  email: string | null;
  address: string | null;
  occupation: string | null;
  employer: string | null;
  registered_name: string | null;
  credit_code: string | null;
  industry: string | null;
  risk_level: string | null;
  purpose: string | null;
  assets_under_custody: string | null;
  profile: Record<string, unknown>;
  relationship: Record<string, unknown>;
  custom: Record<string, unknown>;
};

export type ContactValues = {
  id?: number;
  name: string;
  role: string | null;
  phone: string | null;
  phone_backup: string | null;
  email: string | null;
  is_primary: boolean;
  notes: string | null;
};

/** API field name → column, for the plain scalar fields. */
export const FIELD_COLUMNS = {
  code: 'code',
  kind: 'kind',
  name: 'name',
  status: 'status',
  branchId: 'branch_id',
  ownerId: 'owner_id',
  sourceChannel: 'source_channel',
  tier: 'tier',
  tags: 'tags',
  notes: 'notes',
  idType: 'id_type',
  idNumber: 'id_number',
  gender: 'gender',
  birthDate: 'birth_date',
  phone: 'phone',
  phoneBackup: 'phone_backup',
  email: 'email',
  address: 'address',
  occupation: 'occupation',
  employer: 'employer',
  registeredName: 'registered_name',
  creditCode: 'credit_code',
  industry: 'industry',
  riskLevel: 'risk_level',
  purpose: 'purpose',
  assetsUnderCustody: 'assets_under_custody',
} as const satisfies Record<string, keyof CustomerValues>;
export type ScalarField = keyof typeof FIELD_COLUMNS;
const TEXT_FIELDS = [
  'sourceChannel',
  'tier',
  'notes',
  'address',
  'occupation',
  'employer',
  'industry',
  'registeredName',
] as const;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function cleanBlock(block: Record<string, unknown> | null | undefined) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(block ?? {})) {
    if (v == null) {
      out[k] = null;
      continue;
    }
    if (typeof v === 'string') out[k] = normalizeText(v);
    else if (Array.isArray(v)) {
      const arr = [...new Set(v.map((x) => normalizeText(String(x))).filter((x): x is string => !!x))];
      out[k] = arr.length ? arr : null;
    } else out[k] = v;
  }
  return out;
}

function mergeBlock(existing: Record<string, unknown>, patch: Record<string, unknown>) {
  const merged = { ...existing };
  for (const [k, v] of Object.entries(patch)) {
    if (v == null) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

function prepareContacts(
  list: NonNullable<TCustomerInput['contacts']>,
  errors: Record<string, string>,
): ContactValues[] {
  const out: ContactValues[] = [];
  list.forEach((c, i) => {
    const phone = parsePhone(c.phone);
    const backup = parsePhone(c.phoneBackup);
    if ('error' in phone) errors[`contacts.${i}.phone`] = phone.error;
    if ('error' in backup) errors[`contacts.${i}.phoneBackup`] = backup.error;
    const email = normalizeEmail(c.email);
    if (email && !EMAIL_RE.test(email)) errors[`contacts.${i}.email`] = 'EMAIL_INVALID';
    const name = normalizeName(c.name);
    if (!name) errors[`contacts.${i}.name`] = 'REQUIRED';
    out.push({
      ...(c.id && { id: c.id }),
      name: name ?? '',
      role: normalizeText(c.role),
      phone: 'value' in phone ? phone.value : null,
      phone_backup: 'value' in backup ? backup.value : null,
      email,
      is_primary: !!c.isPrimary,
      notes: normalizeMultiline(c.notes),
    });
  });
  if (out.filter((c) => c.is_primary).length > 1) errors.contacts = 'CONTACT_PRIMARY_MULTIPLE';
  if (out.length > 0 && !out.some((c) => c.is_primary)) out[0].is_primary = true;
  return out;
}

/**
 * Prepares a write. `existing` is the stored record for an update (null for a create). Only fields present in
 * `input` change; null clears. Returns the full resulting values, the contacts when given, and field errors.
 */
export function prepareCustomer(
  input: TCustomerInput & { code?: string; kind?: CustomerKind },
  existing: CustomerValues | null,
  defs: CustomFieldDef[],
  defaults: { branchId: number },
): { values: CustomerValues; contacts: ContactValues[] | undefined; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const v: CustomerValues = existing
    ? { ...existing }
    : {
        code: '',
        kind: input.kind ?? 'individual',
        name: '',
        status: 'prospect',
        branch_id: defaults.branchId,
        owner_id: null,
        source_channel: null,
        tier: null,
        tags: [],
        notes: null,
        id_type: null,
        id_number: null,
        gender: null,
        birth_date: null,
        phone: null,
        phone_backup: null,
        email: null,
        address: null,
        occupation: null,
        employer: null,
        registered_name: null,
        credit_code: null,
        industry: null,
        risk_level: null,
        purpose: null,
        assets_under_custody: null,
        profile: {},
        relationship: {},
        custom: {},
      };
  const has = (k: string) => (input as Record<string, unknown>)[k] !== undefined;

  if (has('code') || !existing) {
    const code = normalizeCode(input.code);
    if (!code) errors.code = 'REQUIRED';
    else if (code.length > 64) errors.code = 'TOO_LONG';
    else v.code = code;
  }
  if (input.kind) v.kind = input.kind;
  if (has('name') || !existing) {
    const name = normalizeName(input.name);
    if (!name) errors.name = 'REQUIRED';
    else v.name = name;
  }
  if (input.status) v.status = input.status;
  if (input.branchId) v.branch_id = input.branchId;
  if (has('ownerId')) v.owner_id = input.ownerId ?? null;
  // Notes keep their line breaks (a merge joins notes on lines of their own); other text is one line.
  for (const f of TEXT_FIELDS)
    if (has(f))
      (v as any)[FIELD_COLUMNS[f]] = f === 'notes' ? normalizeMultiline(input[f]) : normalizeText(input[f]);
  if (has('tags'))
    v.tags = [...new Set((input.tags ?? []).map((t) => normalizeText(t)).filter((t): t is string => !!t))];
  if (has('gender')) v.gender = input.gender ?? null;
  if (has('birthDate')) v.birth_date = input.birthDate ?? null;
  if (has('riskLevel')) v.risk_level = input.riskLevel ?? null;
  if (has('purpose')) v.purpose = input.purpose ?? null;
  if (has('assetsUnderCustody'))
    v.assets_under_custody = input.assetsUnderCustody == null ? null : String(input.assetsUnderCustody);
  if (has('email')) {
    const e = normalizeEmail(input.email);
    if (e && !EMAIL_RE.test(e)) errors.email = 'EMAIL_INVALID';
    v.email = e;
  }
  for (const [f, col] of [
    ['phone', 'phone'],
    ['phoneBackup', 'phone_backup'],
  ] as const) {
    if (!has(f)) continue;
    const p = parsePhone(input[f]);
    if ('error' in p) errors[f] = p.error;
    else v[col] = p.value;
  }
  if (has('idType')) v.id_type = input.idType ?? null;
  if (has('idNumber')) v.id_number = normalizeIdNumber(input.idNumber);
  if (v.id_number && !v.id_type) v.id_type = v.kind === 'individual' ? 'id_card' : 'other';
  if ((has('idNumber') || has('idType')) && v.id_number) {
    const problem = idNumberProblem(v.id_type, v.id_number);
    if (problem) errors.idNumber = problem;
    else if (v.id_type === 'id_card') {
      // The ID card encodes birth date and gender: fill them when not given.
      const info = idCardInfo(v.id_number);
      if (info && !has('birthDate') && !v.birth_date) v.birth_date = info.birthDate;
      if (info && !has('gender') && !v.gender) v.gender = info.gender;
    }
  }
  if (has('creditCode')) {
    const c = normalizeIdNumber(input.creditCode);
    if (c) {
      const problem = creditCodeProblem(c);
      if (problem) errors.creditCode = problem;
    }
    v.credit_code = c;
  }
  if (has('profile')) v.profile = mergeBlock(v.profile, cleanBlock(input.profile));
  if (has('relationship')) v.relationship = mergeBlock(v.relationship, cleanBlock(input.relationship));
  if (has('custom') || !existing || (existing && input.kind && input.kind !== existing.kind)) {
    const c = validateCustomValues(defs, v.kind, input.custom ?? {}, v.custom, has('custom') || !existing);
    Object.assign(errors, c.errors);
    v.custom = c.merged;
  }
  const contacts = input.contacts ? prepareContacts(input.contacts, errors) : undefined;
  return { values: v, contacts, errors };
}
