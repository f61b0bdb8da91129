// Roles are named sets of permissions; built-in ones follow the code, administrators make their own.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit, diff } from '../../platform/audit.ts';
import { requireActor, withTx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { ALL_PERMISSIONS, PERMISSIONS, requirePermission } from '../../platform/permissions.ts';
import { commonErrors, named, ZIdParams, ZOk } from '../../platform/schemas.ts';

const ZRole = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  userCount: z.number(),
});
named('Role', ZRole);
const ZRoleInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,40}$/, 'must be lower-case letters, digits and _'),
  name: z.string().trim().min(1).max(64),
  description: z.string().trim().max(500).nullable().optional(),
  permissions: z.array(z.string()).max(200),
});

export const roleRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['roles'];
  const list = async (db: any, id?: number) => {
    let q = db
      .selectFrom('roles')
      .select([
        'roles.id',
        'roles.code',
        'roles.name',
        'roles.description',
        'roles.permissions',
        'roles.builtin',
      ])
      .select((eb: any) =>
        eb
          .selectFrom('user_roles')
          .select(sql`count(*)::int`.as('n'))
          .whereRef('user_roles.role_id', '=', 'roles.id')
          .as('userCount'),
      )
      .orderBy('roles.builtin', 'desc')
      .orderBy('roles.id');
    if (id) q = q.where('roles.id', '=', id);
    return (await q.execute()).map((r: any) => ({ ...r, userCount: r.userCount ?? 0 }));
  };
  const checkPermissions = (perms: string[], actor: any) => {
    const unknown = perms.filter((p) => !ALL_PERMISSIONS.includes(p as any));
    if (unknown.length)
      throw badRequest('PERMISSION_UNKNOWN', `Unknown permission ${unknown.join(', ')}`, {
        permissions: 'PERMISSION_UNKNOWN',
      });
    const beyond = perms.filter((p) => !actor.permissions.has(p));
    if (beyond.length) throw forbidden(`You cannot grant permissions you do not hold: ${beyond.join(', ')}`);
  };
  const checkHeld = (perms: string[], actor: any) => {
    const beyond = perms.filter((p) => !actor.permissions.has(p));
    if (beyond.length) throw forbidden(`This role carries permissions you do not hold: ${beyond.join(', ')}`);
  };

  app.get(
    '/permissions',
    {
      schema: {
        tags,
        summary: 'The permission catalogue, grouped',
        response: { 200: z.record(z.string(), z.array(z.string())), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.roles');
      return PERMISSIONS as unknown as Record<string, string[]>;
    },
  );
  app.get('/roles', { schema: { tags, response: { 200: z.array(ZRole), ...commonErrors } } }, async (req) => {
    requireActor(req.ctx);
    if (!req.ctx.actor.permissions.has('admin.roles')) requirePermission(req.ctx.actor, 'admin.users');
    return list(req.ctx.db);
  });
  app.post(
    '/roles',
    { schema: { tags, body: ZRoleInput, response: { 200: ZRole, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.roles');
      checkPermissions(req.body.permissions, req.ctx.actor);
      const id = await withTx(req.ctx, async (tx) => {
        const row = await tx.db
          .insertInto('roles')
          .values({
            code: req.body.code,
            name: req.body.name,
            description: req.body.description ?? null,
            permissions: [...new Set(req.body.permissions)],
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, { action: 'role.created', entity: 'role', entityId: row.id, after: row });
        return row.id;
      });
      return (await list(req.ctx.db, id))[0];
    },
  );
  app.patch(
    '/roles/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZRoleInput.omit({ code: true }).partial(),
        response: { 200: ZRole, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.roles');
      if (req.body.permissions) checkPermissions(req.body.permissions, req.ctx.actor);
      await withTx(req.ctx, async (tx) => {
        const before = await tx.db
          .selectFrom('roles')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('ROLE_NOT_FOUND');
        // Changing a role that carries permissions one lacks would take power from (or reshape) those above one.
        checkHeld(before.permissions, req.ctx.actor);
        if (before.builtin)
          throw conflict(
            'ROLE_BUILTIN',
            'Built-in roles cannot be changed; copy one into a new role instead',
          );
        const after = await tx.db
          .updateTable('roles')
          .set({
            ...(req.body.name !== undefined && { name: req.body.name }),
            ...(req.body.description !== undefined && { description: req.body.description }),
            ...(req.body.permissions !== undefined && { permissions: [...new Set(req.body.permissions)] }),
            updated_at: sql`now()`,
          })
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'role.updated',
          entity: 'role',
          entityId: after.id,
          ...diff(before, after),
        });
      });
      return (await list(req.ctx.db, req.params.id))[0];
    },
  );
  app.delete(
    '/roles/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.roles');
      await withTx(req.ctx, async (tx) => {
        const before = await tx.db
          .selectFrom('roles')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('ROLE_NOT_FOUND');
        checkHeld(before.permissions, req.ctx.actor);
        if (before.builtin) throw conflict('ROLE_BUILTIN', 'Built-in roles cannot be deleted');
        const used = await tx.db
          .selectFrom('user_roles')
          .select('user_id')
          .where('role_id', '=', before.id)
          .limit(1)
          .executeTakeFirst();
        if (used) throw conflict('ROLE_IN_USE', 'The role is still given to users');
        await tx.db.deleteFrom('roles').where('id', '=', before.id).execute();
        await audit(tx, { action: 'role.deleted', entity: 'role', entityId: before.id, before });
      });
      return { ok: true as const };
    },
  );
};
