// HTTP routes of handover (交接): preview, run (one transaction), the list, the report (who went where, follow-ups
// done) and the customers of a handover.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import { setKeyCustomer } from '../customers/index.ts';
import { managerPortfolio } from './portfolio.ts';
import { handoverItems, handoverReport, listHandovers, previewHandover, runHandover } from './service.ts';

const ZInput = z.object({
  fromUserId: ZId,
  mode: z.enum(['one', 'even', 'by_tier']),
  toUserId: ZId.nullish(),
  toUserIds: z.array(ZId).max(200).optional(),
  tierMap: z.record(z.string().min(1).max(64), ZId).optional(),
  customerIds: z.array(ZId).max(100_000).optional(),
  notify: z.boolean().optional(),
  note: z.string().max(2000).nullish(),
  followUpDays: z.number().int().min(0).max(90).optional(),
});
const ZTarget = z.object({ userId: z.number(), name: z.string(), customers: z.number() });
const ZReport = z.object({
  id: z.number(),
  fromUserId: z.number(),
  fromName: z.string(),
  branchId: z.number().nullable(),
  mode: z.string(),
  notify: z.boolean(),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.number().nullable(),
  customers: z.number(),
  followUps: z.object({ done: z.number(), open: z.number(), cancelled: z.number() }),
  byTarget: z.array(ZTarget.extend({ done: z.number(), open: z.number(), cancelled: z.number() })),
});
named('Handover', ZReport);

export const handoverRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['handover'];
  app.post(
    '/handovers/preview',
    {
      schema: {
        tags,
        summary: 'What a handover would do: how many customers go to whom (nothing changes)',
        body: ZInput,
        response: { 200: z.object({ customers: z.number(), byTarget: z.array(ZTarget) }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return previewHandover(req.ctx, req.body);
    },
  );
  app.post(
    '/handovers',
    {
      schema: {
        tags,
        summary:
          'Hand a manager’s customers over (one person, even spread, or by tier) in one transaction: history, open tasks moved, one follow-up call each, optional notice queued',
        body: ZInput,
        response: { 200: ZReport, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return runHandover(req.ctx, req.body);
    },
  );
  app.get(
    '/handovers',
    {
      schema: {
        tags,
        querystring: z.object({
          fromUserId: ZId.optional(),
          cursor: z.string().max(500).optional(),
          limit: ZLimit,
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                fromUserId: z.number(),
                fromName: z.string(),
                branchId: z.number().nullable(),
                mode: z.string(),
                customers: z.number(),
                notify: z.boolean(),
                createdAt: z.string(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listHandovers(req.ctx, req.query);
    },
  );
  app.get(
    '/handovers/:id',
    {
      schema: {
        tags,
        summary: 'The handover report: customers per new owner and their follow-ups done/open',
        params: ZIdParams,
        response: { 200: ZReport, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return handoverReport(req.ctx, req.params.id);
    },
  );
  app.get(
    '/handovers/:id/customers',
    {
      schema: {
        tags,
        params: ZIdParams,
        querystring: z.object({ cursor: z.string().max(500).optional(), limit: ZLimit }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                customerId: z.number(),
                customerCode: z.string(),
                customerName: z.string(),
                tier: z.string().nullable(),
                toUserId: z.number(),
                toName: z.string(),
                taskId: z.number().nullable(),
                taskStatus: z.string().nullable(),
                completedAt: z.string().nullable(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return handoverItems(req.ctx, req.params.id, req.query);
    },
  );
  app.get(
    '/managers/:id/portfolio',
    {
      schema: {
        tags: ['account managers'],
        summary:
          "A manager's portfolio in my branches: customers by tier, key customers, last contact, open tasks, entitlements due, open tickets, who needs attention",
        params: ZIdParams,
        response: {
          200: z.object({
            manager: z.object({ id: z.number(), name: z.string(), branchId: z.number(), status: z.string() }),
            customers: z.object({
              total: z.number(),
              keyCustomers: z.number(),
              byTier: z.array(z.object({ tier: z.string().nullable(), customers: z.number() })),
            }),
            lastContact: z.object({
              latest: z.string().nullable(),
              never: z.number(),
              over30Days: z.number(),
              over90Days: z.number(),
            }),
            tasks: z.object({ open: z.number(), overdue: z.number(), week: z.number() }),
            entitlementsDue: z.object({ open: z.number(), done: z.number() }),
            openTickets: z.number().nullable(),
            attention: z.array(
              z.object({
                id: z.number(),
                code: z.string(),
                name: z.string(),
                tier: z.string().nullable(),
                keyCustomer: z.boolean(),
                lastContactAt: z.string().nullable(),
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return managerPortfolio(req.ctx, req.params.id);
    },
  );
  app.put(
    '/customers/:id/key-customer',
    {
      schema: {
        tags: ['account managers'],
        summary: 'Flag or unflag a key customer (one-to-one service by the owner)',
        params: ZIdParams,
        body: z.object({ keyCustomer: z.boolean() }),
        response: { 200: z.object({ customerId: z.number(), keyCustomer: z.boolean() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return setKeyCustomer(req.ctx, req.params.id, req.body.keyCustomer);
    },
  );
};
