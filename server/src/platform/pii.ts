// The one masking path of personal data (docs/SECURITY.md "Personal data"). Every JSON response leaves the server
// through `maskPayload` (a preSerialization hook registered by `registerPiiHook`), the customer export and the
// text paths call the same functions, so a value looks the same wherever it is seen:
//  - by field name: phones (138****5678), ID numbers (110***********1234), emails (z***@example.com), birth dates
//    (year only: 1990-**-**), addresses (down to the district: 上海市浦东新区***);
//  - as a backstop in any other string (notes, messages, notice text, audit before/after, error messages): mainland
//    mobiles, 18-digit ID numbers and emails by pattern.
// With customer.pii values pass unchanged, and a response that carried personal data writes one audit row
// (`customer.pii_viewed`). A route that reveals on purpose (and audits it itself) says so with `config.pii`.
import type { FastifyInstance } from 'fastify';
import { audit } from './audit.ts';
import type { Actor } from './permissions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'revealed': the route returns personal data on purpose and audited it itself (customer reveal, "拨打"). */
    pii?: 'revealed';
  }
}

export type PiiKind = 'id_number' | 'phone' | 'email' | 'birth_date' | 'address';

export const canSeePii = (actor: Actor | null | undefined) => !!actor?.permissions.has('customer.pii');

/** Field names (API camelCase and column snake_case) that hold a customer's personal data, and their kind. */
export const PII_FIELDS: Record<string, PiiKind> = {
  idNumber: 'id_number',
  id_number: 'id_number',
  phone: 'phone',
  phoneBackup: 'phone',
  phone_backup: 'phone',
  mobile: 'phone',
  contactPhone: 'phone',
  contact_phone: 'phone',
  email: 'email',
  contactEmail: 'email',
  contact_email: 'email',
  birthDate: 'birth_date',
  birth_date: 'birth_date',
  address: 'address',
};

/** 110101199003071234 → 110***********1234 (first 3 and last 4 kept). */
export function maskIdNumber(v: string | null | undefined): string | null {
  if (v == null || v === '') return v ?? null;
  if (v.length <= 7) return '*'.repeat(v.length);
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}

/** 13812345678 → 138****5678; short numbers keep only their last 2 digits. */
export function maskPhone(v: string | null | undefined): string | null {
  if (v == null || v === '') return v ?? null;
  if (v.length >= 9) return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
  if (v.length <= 2) return '*'.repeat(v.length);
  return '*'.repeat(v.length - 2) + v.slice(-2);
}

/** zhang.wei@example.com → z***@example.com; something that is not an email is masked as free text. */
export function maskEmail(v: string | null | undefined): string | null {
  if (v == null || v === '') return v ?? null;
  const at = v.lastIndexOf('@');
  if (at < 1) return maskText(v);
  return `${v[0]}***${v.slice(at)}`;
}

/** 1990-03-07 → 1990-**-** (the year only: the day and month are digits 11–14 of the ID number). */
export function maskBirthDate(v: string | null | undefined): string | null {
  if (v == null || v === '') return v ?? null;
  const m = /^(\d{4})/.exec(v);
  return m ? `${m[1]}-**-**` : '****-**-**';
}

const DISTRICT =
  /^(?:.{0,12}?(?:省|自治区|特别行政区))?(?:.{0,12}?(?:市|自治州|地区|盟))?(?:.{0,12}?(?:区|县|旗|市))?/u;

/** 上海市浦东新区张江路88号 → 上海市浦东新区***: kept down to the district (the ID number's digits 4–6). */
export function maskAddress(v: string | null | undefined): string | null {
  if (v == null || v === '') return v ?? null;
  const keep = DISTRICT.exec(v)?.[0] ?? '';
  return keep.length >= v.length ? keep : `${keep}***`;
}

// Free-text backstop: digits not part of a longer number; IDs before mobiles (an ID may contain 1[3-9]\d{9}).
const ID_RE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_RE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Masks ID numbers, mainland mobiles and emails wherever they appear in a text. */
export function maskText(v: string): string {
  if (v.length < 6) return v;
  return v
    .replace(ID_RE, (m) => maskIdNumber(m) as string)
    .replace(MOBILE_RE, (m) => maskPhone(m) as string)
    .replace(EMAIL_RE, (m) => maskEmail(m) as string);
}

/** True when a text holds something the backstop would mask. */
export function hasPiiText(v: string): boolean {
  ID_RE.lastIndex = 0;
  MOBILE_RE.lastIndex = 0;
  EMAIL_RE.lastIndex = 0;
  return ID_RE.test(v) || MOBILE_RE.test(v) || EMAIL_RE.test(v);
}

/**
 * Free text for an actor (a file name in a download header, …): masked by pattern unless the actor may see
 * personal data; `held` says whether the text carried any (for the audit row of an unmasked read).
 */
export function maskTextFor(actor: Actor | null | undefined, v: string): { text: string; held: boolean } {
  const held = hasPiiText(v);
  return { text: held && !canSeePii(actor) ? maskText(v) : v, held };
}

/** Masks one value of a kind (no actor check). */
export function maskValue(kind: PiiKind, v: string | null | undefined): string | null {
  switch (kind) {
    case 'id_number':
      return maskIdNumber(v);
    case 'phone':
      return maskPhone(v);
    case 'email':
      return maskEmail(v);
    case 'birth_date':
      return maskBirthDate(v);
    case 'address':
      return maskAddress(v);
  }
}

/** Masks one value of a personal-data kind unless the actor may see it. */
export function maskPii(actor: Actor | null | undefined, kind: PiiKind, v: string | null | undefined) {
  if (canSeePii(actor)) return v ?? null;
  return maskValue(kind, v);
}

/** Masks a value by field name (history rows, exports); other strings get the free-text backstop. */
export function maskField(actor: Actor | null | undefined, field: string, v: unknown): unknown {
  if (canSeePii(actor)) return v;
  return maskDeep(v, PII_FIELDS[field]);
}

/** What a walk over a payload found (for the audit row of an unmasked read). */
type Kind = PiiKind | 'text' | undefined;
type Found = { fields: Set<string>; customerIds: Set<number>; branchIds: Set<number> };

/** `kind`: the field's personal-data kind; 'text' (or none): free text, masked by pattern only. */
function maskDeep(v: unknown, kind: Kind, found?: Found, owner?: Owner): unknown {
  if (typeof v === 'string') {
    const named = kind && kind !== 'text' ? kind : null;
    if (found) {
      if (v !== '' && (named || hasPiiText(v))) note(found, named ?? 'text', owner);
      return v;
    }
    return named ? maskValue(named, v) : maskText(v);
  }
  if (v == null || typeof v !== 'object') return v;
  if (v instanceof Date || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) {
    if (found) {
      for (const x of v) maskDeep(x, kind, found, owner);
      return v;
    }
    return v.map((x) => maskDeep(x, kind));
  }
  const o = v as Record<string, unknown>;
  const here = ownerOf(o, owner);
  // An error's `fields` maps field names to reason codes (idNumber: ID_NUMBER_CHECK_DIGIT): text rules only.
  const isError = typeof o.code === 'string' && typeof o.message === 'string';
  const kindOf = (k: string): Kind =>
    kind === 'text' || (isError && k === 'fields') ? 'text' : (PII_FIELDS[k] ?? kind);
  if (found) {
    for (const [k, x] of Object.entries(o)) maskDeep(x, kindOf(k), found, here);
    return v;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = maskDeep(x, kindOf(k));
  return out;
}

type Owner = { customerId?: number; branchId?: number };

/** The customer a nested object belongs to: its `customerId`, or its own id when it is a customer. */
function ownerOf(o: Record<string, unknown>, parent?: Owner): Owner | undefined {
  const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
  const customerId =
    num(o.customerId) ?? ('code' in o && 'idNumber' in o ? num(o.id) : undefined) ?? parent?.customerId;
  const branchId = num(o.branchId) ?? parent?.branchId;
  return customerId || branchId ? { customerId, branchId } : parent;
}

function note(found: Found, kind: string, owner?: Owner) {
  found.fields.add(kind);
  if (owner?.customerId) found.customerIds.add(owner.customerId);
  if (owner?.branchId) found.branchIds.add(owner.branchId);
}

/**
 * The one function every personal-data value leaves the server through: masked for an actor without
 * customer.pii; for one with it, the payload passes and what it held is reported for the audit row.
 */
export function maskPayload(
  actor: Actor | null | undefined,
  payload: unknown,
): { payload: unknown; found: Found | null } {
  if (!canSeePii(actor)) return { payload: maskDeep(payload, undefined), found: null };
  const found: Found = { fields: new Set(), customerIds: new Set(), branchIds: new Set() };
  maskDeep(payload, undefined, found);
  return { payload, found: found.fields.size ? found : null };
}

/**
 * Routes whose payload is staff or organisation data, not a customer's (own profile, user administration,
 * branches): their phone/email/address fields are the staff member's or the office's, shown to administrators.
 */
const STAFF_DATA = [/^\/api\/me(\/|$)/, /^\/api\/auth\//, /^\/api\/users(\/|$)/, /^\/api\/branches(\/|$)/];
export const isStaffDataRoute = (url: string) => STAFF_DATA.some((re) => re.test(url));

/** Registers the masking of every JSON response (and the audit row of an unmasked one). */
export function registerPiiHook(app: FastifyInstance) {
  app.addHook('preSerialization', async (req, reply, payload) => {
    const url = req.routeOptions.url ?? req.url.split('?')[0];
    if (req.routeOptions.config?.pii === 'revealed' && reply.statusCode < 400) return payload;
    if (url === '/api/openapi.json' || url.startsWith('/api/docs') || isStaffDataRoute(url)) return payload;
    const { payload: out, found } = maskPayload(req.actor, payload);
    if (found && req.actor && reply.statusCode < 400) {
      const ids = [...found.customerIds];
      const branches = [...found.branchIds];
      await audit(req.ctx, {
        action: 'customer.pii_viewed',
        entity: 'customer',
        entityId: ids.length === 1 ? ids[0] : null,
        branchId: branches.length === 1 ? branches[0] : null,
        meta: {
          route: `${req.method} ${url}`,
          kinds: [...found.fields].sort(),
          customerIds: ids.slice(0, 1000),
        },
      });
    }
    return out;
  });
}
