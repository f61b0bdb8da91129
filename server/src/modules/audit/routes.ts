// The audit log for compliance: filter by user, entity, action and time. There is no route that changes it.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { branchScope, requirePermission } from '../../platform/permissions.ts';
import {
  commonErrors,
  decodeCursor,
  encodeCursor,
  named,
  page,
  ZId,
  ZLimit,
} from '../../platform/schemas.ts';

const ZAuditRow = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  /** The actor's name today (actorName is the username written with the row). */
  actorDisplayName: z.string().nullable(),
  /** A ticket row's ticket number. */
  ticketNumber: z.string().nullable(),
  /** A customer row's customer, or a ticket row's customer: code and name. */
  customerId: z.number().nullable(),
  customerCode: z.string().nullable(),
  customerName: z.string().nullable(),
  /** A user row's user, by name. */
  userDisplayName: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  branchId: z.number().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  meta: z.unknown(),
});
named('AuditEntry', ZAuditRow);

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first (compliance)',
        querystring: z.object({
          actorId: ZId.optional(),
          entity: z.string().max(64).optional(),
          entityId: z.string().max(64).optional(),
          action: z.string().max(64).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          cursor: z.string().max(200).optional(),
          limit: ZLimit,
        }),
        response: { 200: page(ZAuditRow), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'audit.read');
      const q = req.query;
      // One query: the rows with the names and numbers people read instead of ids — the actor's name, the ticket's
      // number, the customer's code and name (of a customer row, or of a ticket row's customer), a user row's name.
      // entity_id is text; it is cast only when the row is of that entity and the id is all digits.
      const idOf = (entity: string) =>
        sql<number>`case when a.entity = ${entity} and a.entity_id ~ '^[0-9]{1,18}$' then a.entity_id::bigint end`;
      let query = req.ctx.db
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
      const scope = branchScope(req.ctx.actor);
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
    },
  );
};
