// Branches (营业部), departments (客服部, 研发部, 结算部 …) and teams: who sits where.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit, diff } from '../../platform/audit.ts';
import { type Ctx, requireActor, withTx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { assertInScope, branchScope, requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { commonErrors, named, ZIdParams } from '../../platform/schemas.ts';

const ZBranch = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
});
named('Branch', ZBranch);
const ZBranchInput = z.object({
  code: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(100),
  region: z.string().trim().max(100).nullable().optional(),
  address: z.string().trim().max(300).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  active: z.boolean().optional(),
});
export const DEPARTMENT_KINDS = [
  'service',
  'research',
  'trading',
  'settlement',
  'compliance',
  'sales',
  'it',
  'other',
] as const;
const ZDepartment = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(DEPARTMENT_KINDS),
  branchId: z.number().nullable(),
  active: z.boolean(),
});
named('Department', ZDepartment);
const ZDepartmentInput = z.object({
  code: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(DEPARTMENT_KINDS).default('other'),
  branchId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});
const ZTeam = z.object({
  id: z.number(),
  name: z.string(),
  branchId: z.number(),
  departmentId: z.number(),
  leaderId: z.number().nullable(),
  active: z.boolean(),
});
named('Team', ZTeam);
const ZTeamInput = z.object({
  name: z.string().trim().min(1).max(100),
  branchId: z.number().int().positive(),
  departmentId: z.number().int().positive(),
  leaderId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});

const branchOut = (b: any) => ({
  id: b.id,
  code: b.code,
  name: b.name,
  region: b.region,
  address: b.address,
  phone: b.phone,
  active: b.active,
});
const deptOut = (d: any) => ({
  id: d.id,
  code: d.code,
  name: d.name,
  kind: d.kind,
  branchId: d.branch_id,
  active: d.active,
});
const teamOut = (t: any) => ({
  id: t.id,
  name: t.name,
  branchId: t.branch_id,
  departmentId: t.department_id,
  leaderId: t.leader_id,
  active: t.active,
});

/** A team's department is a head-office one or its branch's own; its leader is a user of its branch. */
async function checkTeamPlacement(
  ctx: Ctx,
  branchId: number,
  departmentId: number | undefined,
  leaderId: number | null | undefined,
) {
  if (departmentId !== undefined) {
    const dept = await ctx.db
      .selectFrom('departments')
      .select('branch_id')
      .where('id', '=', departmentId)
      .executeTakeFirst();
    if (!dept || (dept.branch_id != null && dept.branch_id !== branchId))
      throw badRequest('DEPARTMENT_INVALID', 'The department does not exist in this branch', {
        departmentId: 'DEPARTMENT_INVALID',
      });
  }
  if (leaderId != null) {
    const leader = await ctx.db
      .selectFrom('users')
      .select('branch_id')
      .where('id', '=', leaderId)
      .executeTakeFirst();
    if (!leader || leader.branch_id !== branchId)
      throw badRequest('LEADER_INVALID', 'The leader is not a user of this branch', {
        leaderId: 'LEADER_INVALID',
      });
  }
}

export const orgRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['organisation'];

  // ---- branches: everyone signed in sees the branches in their scope (pickers need them)
  app.get(
    '/branches',
    {
      schema: {
        tags,
        summary: 'Branches in the caller’s scope',
        response: { 200: z.array(ZBranch), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      const rows = await scopeToBranch(
        req.ctx.db.selectFrom('branches').selectAll(),
        req.ctx.actor,
        'branches.id',
      )
        .orderBy('code')
        .execute();
      return rows.map(branchOut);
    },
  );
  app.get(
    '/branches/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZBranch, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      const row = await scopeToBranch(
        req.ctx.db.selectFrom('branches').selectAll().where('id', '=', req.params.id),
        req.ctx.actor,
        'branches.id',
      ).executeTakeFirst();
      if (!row) throw notFound('BRANCH_NOT_FOUND');
      return branchOut(row);
    },
  );
  app.post(
    '/branches',
    {
      schema: {
        tags,
        summary: 'Create a branch (administrators of all branches)',
        body: ZBranchInput,
        response: { 200: ZBranch, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.org', 'scope.all_branches');
      return withTx(req.ctx, async (tx) => {
        const b = req.body;
        const row = await tx.db
          .insertInto('branches')
          .values({
            code: b.code,
            name: b.name,
            region: b.region ?? null,
            address: b.address ?? null,
            phone: b.phone ?? null,
            active: b.active ?? true,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'branch.created',
          entity: 'branch',
          entityId: row.id,
          branchId: row.id,
          after: row,
        });
        return branchOut(row);
      });
    },
  );
  app.patch(
    '/branches/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZBranchInput.partial(),
        response: { 200: ZBranch, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.org');
      assertInScope(req.ctx.actor, req.params.id, 'BRANCH_NOT_FOUND');
      return withTx(req.ctx, async (tx) => {
        const before = await tx.db
          .selectFrom('branches')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('BRANCH_NOT_FOUND');
        const b = req.body;
        const after = await tx.db
          .updateTable('branches')
          .set({ ...b, updated_at: sql`now()` })
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'branch.updated',
          entity: 'branch',
          entityId: after.id,
          branchId: after.id,
          ...diff(before, after),
        });
        return branchOut(after);
      });
    },
  );

  // ---- departments: head-office departments (no branch) are visible to all; a branch's own to its people
  const deptQuery = (req: any) => {
    const scope = branchScope(req.ctx.actor);
    let q = req.ctx.db.selectFrom('departments').selectAll();
    if (scope !== 'all')
      q = q.where((eb: any) => eb.or([eb('branch_id', 'is', null), eb('branch_id', 'in', scope)]));
    return q;
  };
  app.get(
    '/departments',
    { schema: { tags, response: { 200: z.array(ZDepartment), ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return (await deptQuery(req).orderBy('code').execute()).map(deptOut);
    },
  );
  app.post(
    '/departments',
    { schema: { tags, body: ZDepartmentInput, response: { 200: ZDepartment, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.org');
      const d = req.body;
      if (d.branchId == null) requirePermission(req.ctx.actor, 'scope.all_branches');
      else assertInScope(req.ctx.actor, d.branchId, 'BRANCH_NOT_FOUND');
      return withTx(req.ctx, async (tx) => {
        const row = await tx.db
          .insertInto('departments')
          .values({
            code: d.code,
            name: d.name,
            kind: d.kind,
            branch_id: d.branchId ?? null,
            active: d.active ?? true,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'department.created',
          entity: 'department',
          entityId: row.id,
          branchId: row.branch_id,
          after: row,
        });
        return deptOut(row);
      });
    },
  );
  app.patch(
    '/departments/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZDepartmentInput.extend({ kind: z.enum(DEPARTMENT_KINDS) }).partial(), // no default on a PATCH
        response: { 200: ZDepartment, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      const actor = req.ctx.actor;
      requirePermission(actor, 'admin.org');
      return withTx(req.ctx, async (tx) => {
        const before = await tx.db
          .selectFrom('departments')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('DEPARTMENT_NOT_FOUND');
        // Head-office departments belong to everyone: only all-branch administrators change them.
        if (before.branch_id == null) requirePermission(actor, 'scope.all_branches');
        else assertInScope(actor, before.branch_id, 'DEPARTMENT_NOT_FOUND');
        const d = req.body;
        if (d.branchId !== undefined) {
          if (d.branchId == null) requirePermission(actor, 'scope.all_branches');
          else assertInScope(actor, d.branchId, 'BRANCH_NOT_FOUND');
        }
        const after = await tx.db
          .updateTable('departments')
          .set({
            ...(d.code !== undefined && { code: d.code }),
            ...(d.name !== undefined && { name: d.name }),
            ...(d.kind !== undefined && { kind: d.kind }),
            ...(d.branchId !== undefined && { branch_id: d.branchId }),
            ...(d.active !== undefined && { active: d.active }),
            updated_at: sql`now()`,
          })
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'department.updated',
          entity: 'department',
          entityId: after.id,
          branchId: after.branch_id,
          ...diff(before, after),
        });
        return deptOut(after);
      });
    },
  );

  // ---- teams
  app.get('/teams', { schema: { tags, response: { 200: z.array(ZTeam), ...commonErrors } } }, async (req) => {
    requireActor(req.ctx);
    return (
      await scopeToBranch(req.ctx.db.selectFrom('teams').selectAll(), req.ctx.actor, 'teams.branch_id')
        .orderBy('name')
        .execute()
    ).map(teamOut);
  });
  app.post(
    '/teams',
    { schema: { tags, body: ZTeamInput, response: { 200: ZTeam, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'admin.org');
      const t = req.body;
      assertInScope(req.ctx.actor, t.branchId, 'BRANCH_NOT_FOUND');
      return withTx(req.ctx, async (tx) => {
        await checkTeamPlacement(tx, t.branchId, t.departmentId, t.leaderId);
        const row = await tx.db
          .insertInto('teams')
          .values({
            name: t.name,
            branch_id: t.branchId,
            department_id: t.departmentId,
            leader_id: t.leaderId ?? null,
            active: t.active ?? true,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'team.created',
          entity: 'team',
          entityId: row.id,
          branchId: row.branch_id,
          after: row,
        });
        return teamOut(row);
      });
    },
  );
  app.patch(
    '/teams/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZTeamInput.partial(),
        response: { 200: ZTeam, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      const actor = req.ctx.actor;
      requirePermission(actor, 'admin.org');
      return withTx(req.ctx, async (tx) => {
        const before = await scopeToBranch(
          tx.db.selectFrom('teams').selectAll().where('id', '=', req.params.id),
          actor,
          'teams.branch_id',
        )
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('TEAM_NOT_FOUND');
        const t = req.body;
        if (t.branchId !== undefined) assertInScope(actor, t.branchId, 'BRANCH_NOT_FOUND');
        const branchId = t.branchId ?? before.branch_id;
        await checkTeamPlacement(
          tx,
          branchId,
          t.departmentId ?? (t.branchId !== undefined ? before.department_id : undefined),
          t.leaderId === undefined ? (t.branchId !== undefined ? before.leader_id : undefined) : t.leaderId,
        );
        const after = await tx.db
          .updateTable('teams')
          .set({
            ...(t.name !== undefined && { name: t.name }),
            ...(t.branchId !== undefined && { branch_id: t.branchId }),
            ...(t.departmentId !== undefined && { department_id: t.departmentId }),
            ...(t.leaderId !== undefined && { leader_id: t.leaderId }),
            ...(t.active !== undefined && { active: t.active }),
            updated_at: sql`now()`,
          })
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, {
          action: 'team.updated',
          entity: 'team',
          entityId: after.id,
          branchId: after.branch_id,
          ...diff(before, after),
        });
        return teamOut(after);
      });
    },
  );
};
