// HTTP routes of roles and the permission catalogue. Schemas in schema.ts, rules in service.ts, SQL in repo.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, ZIdParams, ZOk } from '../../platform/schemas.ts';
import { ZPermissionCatalogue, ZRole, ZRoleInput, ZRolePatch } from './schema.ts';
import { createRole, deleteRole, listRoles, permissionCatalogue, updateRole } from './service.ts';

export const roleRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['roles'];

  app.get(
    '/permissions',
    {
      schema: {
        tags,
        summary: 'The permission catalogue, grouped',
        response: { 200: ZPermissionCatalogue, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return permissionCatalogue(req.ctx);
    },
  );
  app.get('/roles', { schema: { tags, response: { 200: z.array(ZRole), ...commonErrors } } }, async (req) => {
    requireActor(req.ctx);
    return listRoles(req.ctx);
  });
  app.post(
    '/roles',
    { schema: { tags, body: ZRoleInput, response: { 200: ZRole, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createRole(req.ctx, req.body);
    },
  );
  app.patch(
    '/roles/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZRolePatch,
        response: { 200: ZRole, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateRole(req.ctx, req.params.id, req.body);
    },
  );
  app.delete(
    '/roles/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return deleteRole(req.ctx, req.params.id);
    },
  );
};
