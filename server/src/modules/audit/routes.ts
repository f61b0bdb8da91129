// The audit log for compliance: filter by user, entity, action and time. There is no route that changes it.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, page } from '../../platform/schemas.ts';
import { ZAuditQuery, ZAuditRow } from './schema.ts';
import { listAudit } from './service.ts';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first (compliance)',
        querystring: ZAuditQuery,
        response: { 200: page(ZAuditRow), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listAudit(req.ctx, req.query);
    },
  );
};
