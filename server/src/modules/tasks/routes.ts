// HTTP routes of tasks: "my tasks" views (mine, overdue, due this week), any task in the caller's branches,
// create, change, complete with an outcome, cancel.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, page, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import { closeTask, createTask, getTask, listTasks, myTaskCounts, updateTask } from './service.ts';

export const TASK_KINDS = ['call', 'visit', 'delivery', 'follow_up', 'review', 'other'] as const;
export const TASK_SOURCES = [
  'manual',
  'entitlement',
  'ticket',
  'handover',
  'campaign',
  'visit',
  'callback',
  'suitability',
  'notice',
] as const;

export const ZTask = z.object({
  id: z.number(),
  title: z.string(),
  description: z.string().nullable(),
  kind: z.enum(TASK_KINDS),
  customerId: z.number().nullable(),
  customerName: z.string().nullable(),
  customerCode: z.string().nullable(),
  branchId: z.number(),
  assigneeId: z.number().nullable(),
  assigneeName: z.string().nullable(),
  departmentId: z.number().nullable(),
  dueAt: z.string().nullable(),
  status: z.enum(['open', 'done', 'cancelled']),
  outcome: z.string().nullable(),
  sourceKind: z.enum(TASK_SOURCES),
  sourceId: z.number().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: z.number().nullable(),
  overdue: z.boolean(),
  version: z.number(),
});
named('Task', ZTask);

const ZTitle = z.string().trim().min(1).max(200);
const ZText = z.string().max(4000);
const ZDue = z.iso.datetime({ offset: true });

const ZTaskCreate = z.object({
  title: ZTitle,
  description: ZText.nullish(),
  kind: z.enum(TASK_KINDS).optional(),
  customerId: ZId.nullish(),
  branchId: ZId.nullish(),
  assigneeId: ZId.nullish(),
  departmentId: ZId.nullish(),
  dueAt: ZDue.nullish(),
});

export const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['tasks'];
  app.get(
    '/tasks',
    {
      schema: {
        tags,
        summary:
          'Tasks: view=mine (assigned to me or my department desk), overdue, week (due before next Monday), all (in my branches)',
        querystring: z.object({
          view: z.enum(['mine', 'overdue', 'week', 'all']).optional(),
          status: z.enum(['open', 'done', 'cancelled']).optional(),
          assigneeId: ZId.optional(),
          customerId: ZId.optional(),
          branchId: ZId.optional(),
          sourceKind: z.enum(TASK_SOURCES).optional(),
          sourceId: ZId.optional(),
          cursor: z.string().max(500).optional(),
          limit: ZLimit,
        }),
        response: { 200: page(ZTask), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listTasks(req.ctx, req.query);
    },
  );
  app.get(
    '/tasks/counts',
    {
      schema: {
        tags,
        summary: 'Counts of my open, overdue and due-this-week tasks',
        response: {
          200: z.object({ open: z.number(), overdue: z.number(), week: z.number() }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return myTaskCounts(req.ctx);
    },
  );
  app.get(
    '/tasks/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZTask, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getTask(req.ctx, req.params.id);
    },
  );
  app.post(
    '/tasks',
    {
      schema: {
        tags,
        summary: 'Create a task (assignee defaults to me unless a department desk is given)',
        body: ZTaskCreate,
        response: { 200: ZTask, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return createTask(req.ctx, req.body);
    },
  );
  app.patch(
    '/tasks/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: z.object({
          title: ZTitle.optional(),
          description: ZText.nullish(),
          kind: z.enum(TASK_KINDS).optional(),
          assigneeId: ZId.optional(),
          dueAt: ZDue.nullish(),
          version: z.number().int(),
        }),
        response: { 200: ZTask, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateTask(req.ctx, req.params.id, req.body);
    },
  );
  const ZClose = z.object({ outcome: ZText.nullish(), version: z.number().int().optional() });
  app.post(
    '/tasks/:id/complete',
    {
      schema: {
        tags,
        summary: 'Mark an open task done, with its outcome',
        params: ZIdParams,
        body: ZClose,
        response: { 200: ZTask, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return closeTask(req.ctx, req.params.id, 'done', req.body);
    },
  );
  app.post(
    '/tasks/:id/cancel',
    {
      schema: { tags, params: ZIdParams, body: ZClose, response: { 200: ZTask, ...commonErrors } },
    },
    async (req) => {
      requireActor(req.ctx);
      return closeTask(req.ctx, req.params.id, 'cancelled', req.body);
    },
  );
};
