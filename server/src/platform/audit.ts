// Writes the audit row of a change in the same transaction as the change itself.
import type { Ctx } from './context.ts';

export type AuditEntry = {
  action: string;
  entity: string;
  entityId?: string | number | null;
  branchId?: number | null;
  before?: unknown;
  after?: unknown;
  meta?: unknown;
};

const SECRET_KEYS = new Set(['password_hash', 'password', 'passwordHash', 'token']);

function clean(v: unknown): unknown {
  if (v == null || typeof v !== 'object') return v ?? null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(clean);
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !SECRET_KEYS.has(k))
      .map(([k, x]) => [k, clean(x)]),
  );
}

/** Keeps only the fields that changed, so the log says what happened rather than repeating the record. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (k === 'updated_at' || k === 'version') continue;
    if (JSON.stringify(clean(before[k])) !== JSON.stringify(clean(after[k]))) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}

export async function audit(ctx: Ctx, e: AuditEntry): Promise<void> {
  await ctx.db
    .insertInto('audit_log')
    .values({
      actor_id: ctx.actor?.id ?? null,
      actor_name: ctx.actor?.username ?? null,
      ip: ctx.ip,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId == null ? null : String(e.entityId),
      branch_id: e.branchId ?? null,
      before: e.before === undefined ? null : (JSON.stringify(clean(e.before)) as any),
      after: e.after === undefined ? null : (JSON.stringify(clean(e.after)) as any),
      meta: e.meta === undefined ? null : (JSON.stringify(clean(e.meta)) as any),
    })
    .execute();
}
