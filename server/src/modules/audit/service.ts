// The audit log for compliance, read newest first with the names people read instead of ids. Nothing changes it.
import { sql } from 'kysely';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { branchScope, requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import type { TAuditQuery } from './schema.ts';

/** A page of the audit log (audit.read), filtered by actor, entity, action and time, in the reader's branches. */
export async function listAudit(ctx: AuthedCtx, q: TAuditQuery) {
  requirePermission(ctx.actor, 'audit.read');
  // One query: the rows with the names and numbers people read instead of ids — the actor's name, the ticket's
  // number, the customer's code and name (of a customer row, or of a ticket row's customer), a user row's name.
  // entity_id is text; it is cast only when the row is of that entity and the id is all digits.
  const idOf = (entity: string) =>
    sql<number>`case when a.entity = ${entity} and a.entity_id ~ '^[0-9]{1,18}$' then a.entity_id::bigint end`;
  let query = ctx.db
    .selectFrom('audit_log as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_id')
    .leftJoin('tickets as tk', (j) => j.on(sql<boolean>`tk.id = ${idOf('ticket')}`))
    .leftJoin('customers as cu', (j) =>
      j.on(sql<boolean>`cu.id = coalesce(tk.customer_id, ${idOf('customer')})`),
    )
    .leftJoin('users as eu', (j) => j.on(sql<boolean>`eu.id = ${idOf('user')}`))
    .selectAll('a')
    .select([
      'actor.display_name as actor_display_name',
      'tk.number as ticket_number',
      'cu.id as customer_id',
      'cu.code as customer_code',
      'cu.name as customer_name',
      'eu.display_name as user_display_name',
    ]);
  const scope = branchScope(ctx.actor);
  // Branch-scoped readers see their branch's rows only; rows with no branch (system-wide) need the all-branch scope.
  if (scope !== 'all') query = query.where('a.branch_id', 'in', scope);
  if (q.actorId) query = query.where('a.actor_id', '=', q.actorId);
  if (q.entity) query = query.where('a.entity', '=', q.entity);
  if (q.entityId) query = query.where('a.entity_id', '=', q.entityId);
  if (q.action)
    query = q.action.endsWith('*')
      ? query.where('a.action', 'like', `${q.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`)
      : query.where('a.action', '=', q.action);
  if (q.from) query = query.where('a.at', '>=', new Date(q.from));
  if (q.to) query = query.where('a.at', '<', new Date(q.to));
  const c = decodeCursor(q.cursor);
  if (q.cursor) {
    const at = new Date(String(c?.[0]));
    if (!c || Number.isNaN(at.getTime()) || !Number.isSafeInteger(c[1]))
      throw badRequest('CURSOR_INVALID', 'The cursor is not one this list gave out', {
        cursor: 'CURSOR_INVALID',
      });
    query = query.where(sql<boolean>`(a.at, a.id) < (${at}::timestamptz, ${Number(c[1])}::bigint)`);
  }
  const rows = await query
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorId: r.actor_id,
      actorName: r.actor_name,
      actorDisplayName: r.actor_display_name,
      ticketNumber: r.ticket_number,
      customerId: r.customer_id,
      customerCode: r.customer_code,
      customerName: r.customer_name,
      userDisplayName: r.user_display_name,
      ip: r.ip,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      branchId: r.branch_id,
      before: r.before,
      after: r.after,
      meta: r.meta,
    })),
    nextCursor: more ? encodeCursor([last.at.toISOString(), last.id]) : null,
  };
}
