// Masking of personal data (ID numbers, phones) — the one place every customer serializer, the exporter and the
// history view go through, so a masked value looks the same everywhere.
import type { Actor } from '../../platform/permissions.ts';

export const canSeePii = (actor: Actor | null | undefined) => !!actor?.permissions.has('customer.pii');

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

export type PiiKind = 'id_number' | 'phone';

/** Which customer and contact fields hold personal data, and how each is masked. */
export const PII_FIELDS: Record<string, PiiKind> = {
  idNumber: 'id_number',
  id_number: 'id_number',
  phone: 'phone',
  phoneBackup: 'phone',
  phone_backup: 'phone',
};

/** Masks one value of a personal-data kind unless the actor may see it. */
export function maskPii(actor: Actor | null | undefined, kind: PiiKind, v: string | null | undefined) {
  if (canSeePii(actor)) return v ?? null;
  return kind === 'id_number' ? maskIdNumber(v) : maskPhone(v);
}

/** Masks a value by field name (history rows, exports); values of other fields pass through. */
export function maskField(actor: Actor | null | undefined, field: string, v: unknown): unknown {
  const kind = PII_FIELDS[field];
  if (!kind || canSeePii(actor)) return v;
  if (typeof v === 'string') return maskPii(actor, kind, v);
  return v;
}
