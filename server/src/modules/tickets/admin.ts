// Administered lists of the service desk: ticket categories, root-cause categories, SLA policies.
import { audit, diff } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { can, requirePermission } from '../../platform/permissions.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import type { Priority, TicketType } from './tables.ts';

type Tree = 'ticket_categories' | 'root_cause_categories';
const treeOut = (c: any) => ({ id: c.id, parentId: c.parent_id, name: c.name, active: c.active });

export async function listTree(ctx: AuthedCtx, table: Tree) {
  if (!can(ctx.actor, 'ticket.read')) requirePermission(ctx.actor, 'admin.settings');
  const rows = await ctx.db.selectFrom(table).selectAll().orderBy('id').execute();
  return rows.map(treeOut);
}

export async function createTreeNode(
  ctx: AuthedCtx,
  table: Tree,
  input: { name: string; parentId?: number | null },
) {
  requireTreeWriter(ctx, table);
  if (input.parentId != null) {
    const p = await ctx.db.selectFrom(table).select('id').where('id', '=', input.parentId).executeTakeFirst();
    if (!p) throw badRequest('PARENT_NOT_FOUND', 'No such parent', { parentId: 'PARENT_NOT_FOUND' });
  }
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto(table)
      .values({ name: input.name, parent_id: input.parentId ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: `${table}.create`, entity: table, entityId: row.id, after: treeOut(row) });
    return treeOut(row);
  });
}

export async function updateTreeNode(
  ctx: AuthedCtx,
  table: Tree,
  id: number,
  input: { name?: string; active?: boolean },
) {
  requireTreeWriter(ctx, table);
  return withTx(ctx, async (tx) => {
    const before = await tx.db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('CATEGORY_NOT_FOUND', 'Category not found');
    const row = await tx.db
      .updateTable(table)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.active !== undefined && { active: input.active }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: `${table}.update`, entity: table, entityId: id, ...diff(before, row) });
    return treeOut(row);
  });
}

/** Ticket categories are settings; root causes are also kept by the service supervisors who review complaints. */
function requireTreeWriter(ctx: AuthedCtx, table: Tree) {
  if (table === 'root_cause_categories' && can(ctx.actor, 'ticket.supervise')) return;
  requirePermission(ctx.actor, 'admin.settings');
}

export type PolicyInput = {
  name: string;
  ticketType?: TicketType | null;
  priority?: Priority | null;
  customerTier?: string | null;
  calendarId?: number | null;
  firstResponseMinutes: number;
  onsiteMinutes?: number | null;
  resolutionMinutes: number;
  acceptanceDays?: number | null;
  acceptanceUnit?: 'working_days' | 'trading_days' | 'calendar_days';
  warnShare?: number;
  breachRaisePriority?: boolean;
  breachReassignToId?: number | null;
  active?: boolean;
};

const policyOut = (p: any) => ({
  id: p.id,
  name: p.name,
  ticketType: p.ticket_type,
  priority: p.priority,
  customerTier: p.customer_tier,
  calendarId: p.calendar_id,
  firstResponseMinutes: p.first_response_minutes,
  onsiteMinutes: p.onsite_minutes,
  resolutionMinutes: p.resolution_minutes,
  acceptanceDays: p.acceptance_days,
  acceptanceUnit: p.acceptance_unit,
  units: {
    first_response: 'working_hours' as const,
    onsite: 'working_hours' as const,
    resolution: 'working_hours' as const,
    acceptance: p.acceptance_unit,
  },
  warnShare: Number(p.warn_share),
  breachRaisePriority: p.breach_raise_priority,
  breachReassignToId: p.breach_reassign_to_id,
  active: p.active,
  version: p.version,
});

const policyCols = (i: Partial<PolicyInput>) => ({
  ...(i.name !== undefined && { name: i.name }),
  ...(i.ticketType !== undefined && { ticket_type: i.ticketType }),
  ...(i.priority !== undefined && { priority: i.priority }),
  ...(i.customerTier !== undefined && { customer_tier: i.customerTier }),
  ...(i.calendarId !== undefined && { calendar_id: i.calendarId }),
  ...(i.firstResponseMinutes !== undefined && { first_response_minutes: i.firstResponseMinutes }),
  ...(i.onsiteMinutes !== undefined && { onsite_minutes: i.onsiteMinutes }),
  ...(i.resolutionMinutes !== undefined && { resolution_minutes: i.resolutionMinutes }),
  ...(i.acceptanceDays !== undefined && { acceptance_days: i.acceptanceDays }),
  ...(i.acceptanceUnit !== undefined && { acceptance_unit: i.acceptanceUnit }),
  ...(i.warnShare !== undefined && { warn_share: i.warnShare }),
  ...(i.breachRaisePriority !== undefined && { breach_raise_priority: i.breachRaisePriority }),
  ...(i.breachReassignToId !== undefined && { breach_reassign_to_id: i.breachReassignToId }),
  ...(i.active !== undefined && { active: i.active }),
});

export async function listPolicies(ctx: AuthedCtx) {
  if (!can(ctx.actor, 'ticket.read')) requirePermission(ctx.actor, 'admin.settings');
  const rows = await ctx.db.selectFrom('sla_policies').selectAll().orderBy('id').execute();
  return rows.map(policyOut);
}

export async function createPolicy(ctx: AuthedCtx, input: PolicyInput) {
  requirePermission(ctx.actor, 'admin.settings');
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('sla_policies')
      .values(policyCols(input) as any)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'sla_policy.create',
      entity: 'sla_policy',
      entityId: row.id,
      after: policyOut(row),
    });
    return policyOut(row);
  });
}

export async function updatePolicy(
  ctx: AuthedCtx,
  id: number,
  input: Partial<PolicyInput> & { version: number },
) {
  requirePermission(ctx.actor, 'admin.settings');
  return withTx(ctx, async (tx) => {
    const { version: _v, ...rest } = input;
    const { after: row } = await updateVersioned(tx, {
      table: 'sla_policies',
      id,
      version: input.version,
      notFound: ['SLA_POLICY_NOT_FOUND', 'SLA policy not found'],
      conflict: { message: 'The policy was changed by someone else', current: policyOut },
      patch: () => policyCols(rest),
      audit: { action: 'sla_policy.update', entity: 'sla_policy' },
    });
    return policyOut(row);
  });
}
