// HTTP routes of the organisation: branches (营业部), departments (客服部, 研发部, 结算部 …) and teams — who sits
// where. Schemas in schema.ts, rules in service.ts, SQL in repo.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, ZIdParams } from '../../platform/schemas.ts';
import {
  ZBranch,
  ZBranchInput,
  ZBranchPatch,
  ZDepartment,
  ZDepartmentInput,
  ZDepartmentPatch,
  ZTeam,
  ZTeamInput,
  ZTeamPatch,
} from './schema.ts';
import {
  createBranch,
  createDepartment,
  createTeam,
  getBranch,
  listBranches,
  listDepartments,
  listTeams,
  updateBranch,
  updateDepartment,
  updateTeam,
} from './service.ts';

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
      return listBranches(req.ctx);
    },
  );
  app.get(
    '/branches/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZBranch, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getBranch(req.ctx, req.params.id);
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
      return createBranch(req.ctx, req.body);
    },
  );
  app.patch(
    '/branches/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZBranchPatch,
        response: { 200: ZBranch, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateBranch(req.ctx, req.params.id, req.body);
    },
  );

  // ---- departments: head-office departments (no branch) are visible to all; a branch's own to its people
  app.get(
    '/departments',
    { schema: { tags, response: { 200: z.array(ZDepartment), ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return listDepartments(req.ctx);
    },
  );
  app.post(
    '/departments',
    { schema: { tags, body: ZDepartmentInput, response: { 200: ZDepartment, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createDepartment(req.ctx, req.body);
    },
  );
  app.patch(
    '/departments/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZDepartmentPatch,
        response: { 200: ZDepartment, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateDepartment(req.ctx, req.params.id, req.body);
    },
  );

  // ---- teams
  app.get('/teams', { schema: { tags, response: { 200: z.array(ZTeam), ...commonErrors } } }, async (req) => {
    requireActor(req.ctx);
    return listTeams(req.ctx);
  });
  app.post(
    '/teams',
    { schema: { tags, body: ZTeamInput, response: { 200: ZTeam, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createTeam(req.ctx, req.body);
    },
  );
  app.patch(
    '/teams/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZTeamPatch,
        response: { 200: ZTeam, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateTeam(req.ctx, req.params.id, req.body);
    },
  );
};
