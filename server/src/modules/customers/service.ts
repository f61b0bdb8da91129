// The customer base's rules: create, change (with per-field history and optimistic locking), read with masking,
// reveal personal data (audited), and the upsert-by-code write path the importer uses.
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden } from '../../platform/errors.ts';
import { assertInScope, can, requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import { type CustomFieldDef, loadCustomFields } from './custom-fields.ts';
import { canSeePii, maskField, maskPii, maskValue, type PiiKind } from './mask.ts';
import { type ContactValues, type CustomerValues, FIELD_COLUMNS, prepareCustomer } from './prepare.ts';
import {
  assertCustomerVisible,
  type ContactRow,
  CUSTOMER_COLUMNS,
  type CustomerRow,
  contactsOf,
  customerColumns,
  dateOnly,
  findCustomer,
  type HistoryRow,
  insertCustomer,
  insertHistory,
  inTx,
  type lockCustomer,
  replaceContacts,
  rowValues,
} from './repo.ts';
import type { TCustomerCreate, TCustomerInput, TCustomerPatch } from './schema.ts';

type Actor = AuthedCtx['actor'];
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function contactOut(actor: Actor, c: ContactRow) {
  return {
    id: c.id,
    name: c.name,
    role: c.role,
    phone: maskPii(actor, 'phone', c.phone),
    phoneBackup: maskPii(actor, 'phone', c.phone_backup),
    email: maskPii(actor, 'email', c.email),
    isPrimary: c.is_primary,
    notes: c.notes,
  };
}

/** The list form of a customer. Personal data masked (platform/pii.ts) unless the actor has customer.pii. */
export function customerSummaryOut(actor: Actor, r: Record<string, any>) {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    name: r.name,
    status: r.status,
    mergedIntoId: r.merged_into_id,
    branchId: r.branch_id,
    ownerId: r.owner_id,
    ownerName: r.owner_name ?? null,
    tier: r.tier,
    tags: r.tags ?? [],
    idType: r.id_type,
    idNumber: maskPii(actor, 'id_number', r.id_number),
    phone: maskPii(actor, 'phone', r.phone),
    registeredName: r.registered_name,
    riskLevel: r.risk_level,
    custom: r.custom ?? {},
    lastContactAt: iso(r.last_contact_at),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The full form of a customer, with contacts. The only serializer of a customer record. */
export function customerOut(actor: Actor, r: CustomerRow, contacts: ContactRow[]) {
  const pii = canSeePii(actor);
  return {
    ...customerSummaryOut(actor, r),
    sourceChannel: r.source_channel,
    notes: r.notes,
    gender: r.gender,
    birthDate: maskPii(actor, 'birth_date', r.birth_date ? dateOnly(r.birth_date) : null),
    phoneBackup: maskPii(actor, 'phone', r.phone_backup),
    email: maskPii(actor, 'email', r.email),
    address: maskPii(actor, 'address', r.address),
    occupation: r.occupation,
    employer: r.employer,
    creditCode: r.credit_code,
    industry: r.industry,
    purpose: r.purpose,
    assetsUnderCustody: r.assets_under_custody,
    profile: (r.profile as Record<string, unknown>) ?? {},
    relationship: (r.relationship as Record<string, unknown>) ?? {},
    contacts: contacts.map((c) => contactOut(actor, c)),
    createdAt: r.created_at.toISOString(),
    version: r.version,
    piiMasked: !pii,
  };
}

type Snapshot = Record<string, unknown>;

/** A customer flattened to API field names (`custom.x`, `profile.y`, `contacts`) for history and audit. */
export function snapshot(v: CustomerValues, contacts?: (ContactValues | ContactRow)[]): Snapshot {
  const s: Snapshot = {};
  for (const [f, col] of Object.entries(FIELD_COLUMNS)) s[f] = v[col] ?? null;
  for (const block of ['profile', 'relationship', 'custom'] as const)
    for (const [k, x] of Object.entries(v[block] ?? {})) s[`${block}.${k}`] = x;
  if (contacts)
    s.contacts = contacts.map((c) => ({
      name: c.name,
      role: c.role,
      phone: c.phone,
      phoneBackup: c.phone_backup,
      email: c.email,
      isPrimary: c.is_primary,
      notes: c.notes,
    }));
  return s;
}

/** One history row per changed field. */
export function changes(before: Snapshot, after: Snapshot): HistoryRow[] {
  const out: HistoryRow[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[k] ?? null;
    const b = after[k] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: k, old_value: a, new_value: b });
  }
  return out;
}

/** Personal data in a history or audit value, masked for an actor (null actor: always masked). */
export function maskHistoryValue(actor: Actor | null, field: string, v: unknown): unknown {
  return maskField(actor, field, v);
}
const maskedForAudit = (s: Snapshot) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, maskHistoryValue(null, k, v)]));

function fail(errors: Record<string, string>) {
  const first = Object.entries(errors)[0];
  throw badRequest('VALIDATION_FAILED', `Invalid ${first[0]}: ${first[1]}`, errors);
}

function requireWrite(actor: Actor) {
  if (!can(actor, 'customer.write') && !can(actor, 'customer.import'))
    throw forbidden('Permission customer.write is required');
}

/** Branch must be one the actor may use; the owner an active user of a branch the actor may see. */
async function checkReferences(ctx: AuthedCtx, v: CustomerValues, before: CustomerValues | null) {
  if (!before || before.branch_id !== v.branch_id) {
    assertInScope(ctx.actor, v.branch_id, 'BRANCH_NOT_FOUND');
    const b = await ctx.db
      .selectFrom('branches')
      .select('id')
      .where('id', '=', v.branch_id)
      .executeTakeFirst();
    if (!b) throw badRequest('BRANCH_NOT_FOUND', 'No such branch', { branchId: 'BRANCH_NOT_FOUND' });
  }
  if (v.owner_id != null && v.owner_id !== before?.owner_id) {
    const u = await ctx.db
      .selectFrom('users')
      .select(['branch_id', 'status'])
      .where('id', '=', v.owner_id)
      .executeTakeFirst();
    const visible =
      u &&
      u.status === 'active' &&
      (ctx.actor.permissions.has('scope.all_branches') || u.branch_id === ctx.actor.branchId);
    if (!visible)
      throw badRequest('OWNER_INVALID', 'The owner is not an active user you can see', {
        ownerId: 'OWNER_INVALID',
      });
  }
}

async function loadDefs(ctx: AuthedCtx, defs?: CustomFieldDef[]) {
  return defs ?? (await loadCustomFields(ctx));
}

export async function getCustomer(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'customer.read');
  const row = await findCustomer(ctx, id);
  const contacts = await contactsOf(ctx, [id]);
  // An unmasked read is audited where every response leaves the server (platform/pii.ts).
  return customerOut(ctx.actor, row, contacts);
}

async function freshOut(ctx: AuthedCtx, id: number) {
  const row = await findCustomer(ctx, id);
  return customerOut(ctx.actor, row, await contactsOf(ctx, [id]));
}

/** Creates a customer; the same transaction writes its contacts, a history row and the audit row. */
export async function createCustomer(
  ctx: AuthedCtx,
  input: TCustomerCreate,
  opts: { defs?: CustomFieldDef[] } = {},
) {
  requireWrite(ctx.actor);
  const defs = await loadDefs(ctx, opts.defs);
  const { values, contacts, errors } = prepareCustomer(input, null, defs, { branchId: ctx.actor.branchId });
  if (Object.keys(errors).length) fail(errors);
  const id = await inTx(ctx, async (tx) => {
    await checkReferences(tx, values, null);
    const taken = await tx.db
      .selectFrom('customers')
      .select('id')
      .where('code', '=', values.code)
      .executeTakeFirst();
    if (taken) throw conflict('CUSTOMER_CODE_TAKEN', 'A customer with this code exists');
    const { id } = await insertCustomer(tx, values);
    if (contacts?.length) await replaceContacts(tx, id, contacts);
    await insertHistory(tx, id, [{ action: 'create', field: '*', old_value: null, new_value: null }]);
    await audit(tx, {
      action: 'customer.created',
      entity: 'customer',
      entityId: id,
      branchId: values.branch_id,
      after: maskedForAudit(snapshot(values, contacts)),
    });
    return id;
  });
  return freshOut(ctx, id);
}

const MASKED_INPUTS: [keyof TCustomerInput & string, keyof CustomerValues, PiiKind][] = [
  ['idNumber', 'id_number', 'id_number'],
  ['phone', 'phone', 'phone'],
  ['phoneBackup', 'phone_backup', 'phone'],
  ['email', 'email', 'email'],
  ['address', 'address', 'address'],
  ['birthDate', 'birth_date', 'birth_date'],
];

/**
 * A user without customer.pii edits a form that shows masked values: a value sent back exactly as it was shown
 * (138****5678, z***@example.com, 上海市浦东新区***, 1990-**-**) means "unchanged", never "store the mask".
 */
function keepMaskedValues(
  actor: Actor,
  input: TCustomerInput,
  before: CustomerValues,
  contacts: ContactRow[],
): TCustomerInput {
  if (canSeePii(actor)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [field, col, kind] of MASKED_INPUTS) {
    const was = before[col] as string | null;
    if (typeof out[field] === 'string' && was && out[field] === maskValue(kind, was)) delete out[field];
  }
  if (input.contacts)
    out.contacts = input.contacts.map((c) => {
      const old = c.id ? contacts.find((x) => x.id === c.id) : undefined;
      if (!old) return c;
      const keep = (v: string | null | undefined, was: string | null, kind: PiiKind) =>
        typeof v === 'string' && was && v === maskValue(kind, was) ? was : v;
      return {
        ...c,
        phone: keep(c.phone, old.phone, 'phone'),
        phoneBackup: keep(c.phoneBackup, old.phone_backup, 'phone'),
        email: keep(c.email, old.email, 'email'),
      };
    });
  return out as TCustomerInput;
}

/**
 * Changes a customer inside a transaction through updateVersioned: the row locked (a stale `version` answers 409
 * VERSION_CONFLICT with the fresh record; `undefined` skips the check), validation, references, row, contacts,
 * history (one row per changed field) and audit. Returns whether anything changed.
 */
async function applyChange(
  tx: AuthedCtx,
  id: number,
  version: number | undefined,
  input: TCustomerInput,
  defs: CustomFieldDef[],
): Promise<boolean> {
  let change:
    | { values: CustomerValues; contacts: ContactValues[] | undefined; rows: HistoryRow[] }
    | undefined;
  const { changed } = await updateVersioned(tx, {
    table: 'customers',
    id,
    version,
    columns: CUSTOMER_COLUMNS,
    branchScope: { actor: tx.actor, column: 'customers.branch_id' },
    notFound: ['CUSTOMER_NOT_FOUND', 'Customer not found'],
    conflict: {
      message: 'Someone else changed this customer; reload and try again',
      current: async (before) =>
        customerOut(tx.actor, { ...before, owner_name: null } as CustomerRow, await contactsOf(tx, [id])),
    },
    patch: async (locked) => {
      const before = locked as unknown as Awaited<ReturnType<typeof lockCustomer>>;
      if (before.status === 'merged')
        throw conflict(
          'CUSTOMER_MERGED',
          'This customer was merged into another; change the survivor instead',
          {
            mergedIntoId: before.merged_into_id,
          },
        );
      const beforeValues = rowValues(before);
      const beforeContacts = await contactsOf(tx, [before.id]);
      const kept = keepMaskedValues(tx.actor, input, beforeValues, beforeContacts);
      const { values, contacts, errors } = prepareCustomer(kept, beforeValues, defs, {
        branchId: before.branch_id,
      });
      if (Object.keys(errors).length) fail(errors);
      if (values.code !== beforeValues.code) {
        const taken = await tx.db
          .selectFrom('customers')
          .select('id')
          .where('code', '=', values.code)
          .executeTakeFirst();
        if (taken) throw conflict('CUSTOMER_CODE_TAKEN', 'A customer with this code exists');
      }
      const s0 = snapshot(beforeValues, contacts ? beforeContacts : undefined);
      const s1 = snapshot(values, contacts);
      const rows = changes(s0, s1);
      if (rows.length === 0) return null;
      await checkReferences(tx, values, beforeValues);
      change = { values, contacts, rows };
      return { ...customerColumns(values), updated_by: tx.actor.id };
    },
    audit: {
      action: 'customer.updated',
      entity: 'customer',
      branchId: () => change!.values.branch_id,
      record: () => {
        const masked = (side: 'old_value' | 'new_value') =>
          Object.fromEntries(change!.rows.map((r) => [r.field, maskHistoryValue(null, r.field, r[side])]));
        return { before: masked('old_value'), after: masked('new_value') };
      },
    },
  });
  if (!changed || !change) return false;
  if (change.contacts) await replaceContacts(tx, id, change.contacts);
  await insertHistory(tx, id, change.rows);
  return true;
}

/** Changes a customer. A stale `version` answers 409 VERSION_CONFLICT with the fresh record. */
export async function updateCustomer(ctx: AuthedCtx, id: number, input: TCustomerPatch) {
  requirePermission(ctx.actor, 'customer.write');
  const defs = await loadCustomFields(ctx);
  const { version, ...patch } = input;
  await inTx(ctx, (tx) => applyChange(tx, id, version, patch, defs));
  return freshOut(ctx, id);
}

/**
 * The importer's write path: creates the customer with this code, or changes the one that has it (no version
 * check; only the fields present change). A code held by a customer outside the actor's branches is refused.
 * Throws AppError (400 with fields, 409) like the API; pass `defs` once per import to skip reloading them.
 */
export async function upsertCustomerByCode(
  ctx: AuthedCtx,
  input: TCustomerCreate,
  opts: { defs?: CustomFieldDef[] } = {},
): Promise<{ action: 'created' | 'updated' | 'unchanged'; id: number }> {
  requireWrite(ctx.actor);
  const defs = await loadDefs(ctx, opts.defs);
  const code = prepareCustomer({ code: input.code, name: 'x' }, null, [], { branchId: 0 }).values.code;
  return inTx(ctx, async (tx) => {
    const existing = code
      ? await tx.db
          .selectFrom('customers')
          .select(['id', 'branch_id'])
          .where('code', '=', code)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!existing) {
      const created = await createCustomer(tx, input, { defs });
      return { action: 'created' as const, id: created.id };
    }
    const scope =
      ctx.actor.permissions.has('scope.all_branches') || existing.branch_id === ctx.actor.branchId;
    if (!scope) throw conflict('CUSTOMER_CODE_TAKEN', 'A customer with this code exists in another branch');
    const { code: _c, ...patch } = input;
    const changed = await applyChange(tx, existing.id, undefined, patch, defs);
    return { action: changed ? ('updated' as const) : ('unchanged' as const), id: existing.id };
  });
}

/** Validates one input row without touching the database (for an importer's dry run). */
export function validateCustomerInput(input: TCustomerCreate, defs: CustomFieldDef[], branchId: number) {
  return prepareCustomer(input, null, defs, { branchId }).errors;
}

export async function customerHistory(ctx: AuthedCtx, id: number, q: { cursor?: string; limit: number }) {
  requirePermission(ctx.actor, 'customer.read');
  await assertCustomerVisible(ctx, id);
  const after = decodeCursor(q.cursor);
  const rows = await ctx.db
    .selectFrom('customer_history')
    .selectAll()
    .where('customer_id', '=', id)
    .$if(!!after, (qb) => qb.where('id', '<', Number(after![0])))
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    field: r.field,
    oldValue: maskHistoryValue(ctx.actor, r.field, r.old_value),
    newValue: maskHistoryValue(ctx.actor, r.field, r.new_value),
  }));
  return { items, nextCursor: more ? encodeCursor([items[items.length - 1].id]) : null };
}

/** Returns unmasked personal data to a permitted user and records that they saw it. */
export async function revealCustomerPii(
  ctx: AuthedCtx,
  id: number,
  fields: ('idNumber' | 'phone' | 'phoneBackup' | 'contacts')[],
) {
  requirePermission(ctx.actor, 'customer.read', 'customer.pii');
  const row = await findCustomer(ctx, id);
  const out: Record<string, unknown> = {};
  if (fields.includes('idNumber')) out.idNumber = row.id_number;
  if (fields.includes('phone')) out.phone = row.phone;
  if (fields.includes('phoneBackup')) out.phoneBackup = row.phone_backup;
  if (fields.includes('contacts'))
    out.contacts = (await contactsOf(ctx, [id])).map((c) => ({
      id: c.id,
      phone: c.phone,
      phoneBackup: c.phone_backup,
    }));
  await audit(ctx, {
    action: 'customer.pii_revealed',
    entity: 'customer',
    entityId: id,
    branchId: row.branch_id,
    meta: { fields },
  });
  return out;
}
