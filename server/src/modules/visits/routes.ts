// HTTP routes of visit plans (走访): plan, list (week, month, overdue), read, check in, complete with findings and
// follow-up tasks, cancel, and counts per manager.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import {
  cancelVisit,
  checkIn,
  completeVisit,
  getVisit,
  listVisits,
  planVisit,
  visitStats,
} from './service.ts';

const ZDay = z.iso.date();
const ZHm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const ZVisit = z.object({
  id: z.number(),
  customerId: z.number(),
  customerName: z.string(),
  customerCode: z.string(),
  branchId: z.number(),
  managerId: z.number(),
  managerName: z.string(),
  purpose: z.string(),
  plannedDate: z.string(),
  windowFrom: z.string().nullable(),
  windowTo: z.string().nullable(),
  status: z.enum(['planned', 'checked_in', 'done', 'cancelled']),
  overdue: z.boolean(),
  checkedInAt: z.string().nullable(),
  checkInLocation: z.object({ lat: z.number(), lng: z.number(), accuracy: z.number().nullable() }).nullable(),
  findings: z.string().nullable(),
  completedAt: z.string().nullable(),
  interactionId: z.number().nullable(),
  createdAt: z.string(),
  version: z.number(),
});
named('Visit', ZVisit);

export const visitRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['visits'];
  app.get(
    '/visits',
    {
      schema: {
        tags,
        summary:
          'Visits in my branches: view=week / month (around date, default today), overdue, all; narrowed by manager, customer, status and planned between from and to',
        querystring: z.object({
          view: z.enum(['week', 'month', 'overdue', 'all']).optional(),
          date: ZDay.optional(),
          managerId: ZId.optional(),
          customerId: ZId.optional(),
          status: z.enum(['planned', 'checked_in', 'done', 'cancelled']).optional(),
          from: ZDay.optional(),
          to: ZDay.optional(),
          limit: ZLimit,
        }),
        response: { 200: z.array(ZVisit), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listVisits(req.ctx, req.query);
    },
  );
  app.get(
    '/visits/stats',
    {
      schema: {
        tags,
        summary: 'Visit counts per manager for visits planned between from and to',
        querystring: z.object({ from: ZDay, to: ZDay }),
        response: {
          200: z.array(
            z.object({
              managerId: z.number(),
              managerName: z.string(),
              total: z.number(),
              done: z.number(),
              cancelled: z.number(),
              overdue: z.number(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return visitStats(req.ctx, req.query);
    },
  );
  app.post(
    '/visits',
    {
      schema: {
        tags,
        summary:
          'Plan a visit: customer, purpose, date, the window that suits the customer (e.g. 19:00–21:00)',
        body: z.object({
          customerId: ZId,
          purpose: z.string().trim().min(1).max(500),
          plannedDate: ZDay,
          windowFrom: ZHm.nullish(),
          windowTo: ZHm.nullish(),
          managerId: ZId.optional(),
        }),
        response: { 201: ZVisit, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await planVisit(req.ctx, req.body));
    },
  );
  app.get(
    '/visits/:id',
    { schema: { tags, summary: 'One visit', params: ZIdParams, response: { 200: ZVisit, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getVisit(req.ctx, req.params.id);
    },
  );
  app.post(
    '/visits/:id/check-in',
    {
      schema: {
        tags,
        summary: 'Check in now, with the location the browser reports (if any)',
        params: ZIdParams,
        body: z.object({
          lat: z.number().min(-90).max(90).optional(),
          lng: z.number().min(-180).max(180).optional(),
          accuracy: z.number().min(0).max(100000).optional(),
        }),
        response: { 200: ZVisit, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return checkIn(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/visits/:id/complete',
    {
      schema: {
        tags,
        summary:
          "Record findings and follow-ups (tasks); writes a 'visit' interaction on the customer's timeline",
        params: ZIdParams,
        body: z.object({
          findings: z.string().trim().min(1).max(8000),
          followUps: z
            .array(
              z.object({
                title: z.string().trim().min(1).max(200),
                dueAt: z.iso.datetime({ offset: true }).nullish(),
                assigneeId: ZId.nullish(),
              }),
            )
            .max(20)
            .default([]),
        }),
        response: { 200: ZVisit.extend({ followUpTaskIds: z.array(z.number()) }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return completeVisit(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/visits/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a planned visit',
        params: ZIdParams,
        body: z.object({ reason: z.string().max(500).nullish() }),
        response: { 200: ZVisit, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return cancelVisit(req.ctx, req.params.id, req.body);
    },
  );
};
