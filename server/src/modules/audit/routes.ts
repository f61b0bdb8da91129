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
      let query = req.ctx.db.selectFrom('audit_log').selectAll();
      const scope = branchScope(req.ctx.actor);
      // Branch-scoped readers see their branch's rows only; rows with no branch (system-wide) need the all-branch scope.
      if (scope !== 'all') query = query.where('branch_id', 'in', scope);
      if (q.actorId) query = query.where('actor_id', '=', q.actorId);
      if (q.entity) query = query.where('entity', '=', q.entity);
      if (q.entityId) query = query.where('entity_id', '=', q.entityId);
      if (q.action)
        query = q.action.endsWith('*')
          ? query.where('action', 'like', `${q.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`)
          : query.where('action', '=', q.action);
      if (q.from) query = query.where('at', '>=', new Date(q.from));
      if (q.to) query = query.where('at', '<', new Date(q.to));
      const c = decodeCursor(q.cursor);
      if (q.cursor) {
        const at = new Date(String(c?.[0]));
        if (!c || Number.isNaN(at.getTime()) || !Number.isSafeInteger(c[1]))
          throw badRequest('CURSOR_INVALID', 'The cursor is not one this list gave out', {
            cursor: 'CURSOR_INVALID',
          });
        query = query.where(sql<boolean>`(at, id) < (${at}::timestamptz, ${Number(c[1])}::bigint)`);
      }
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
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
