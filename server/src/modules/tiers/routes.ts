// HTTP routes of value tiers: the configuration (cut-offs, basis, metric, optional rules), recomputation on
// demand, the Pareto curve with the cut-offs, and the tier changes of customers.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZLimit } from '../../platform/schemas.ts';
import { ZRule } from '../segments/index.ts';
import { getTierConfig, listTierChanges, paretoCurve, recomputeTiersNow, setTierConfig } from './service.ts';

const ZTierConfig = z.object({
  basis: z.enum(['customers', 'revenue']),
  metric: z.enum(['revenue_12m', 'revenue', 'volume_12m', 'assets']),
  tiers: z
    .array(
      z.object({
        code: z.string().trim().min(1).max(64),
        name: z.string().trim().min(1).max(100),
        cutoff: z.number().gt(0).max(1),
        rule: ZRule.nullish(),
      }),
    )
    .max(20),
});
named('TierConfig', ZTierConfig);

export const tierRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['value tiers'];
  app.get(
    '/tiers',
    {
      schema: {
        tags,
        summary: 'The value tier configuration: basis, metric, tiers in order with cumulative cut-offs',
        response: { 200: ZTierConfig, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getTierConfig(req.ctx) as Promise<z.infer<typeof ZTierConfig>>;
    },
  );
  app.put(
    '/tiers',
    {
      schema: {
        tags,
        summary:
          'Replace the tier configuration (tier.manage, all branches); cut-offs ascend, the last usually 1',
        body: ZTierConfig,
        response: { 200: ZTierConfig, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return setTierConfig(req.ctx, req.body) as Promise<z.infer<typeof ZTierConfig>>;
    },
  );
  app.post(
    '/tiers/recompute',
    {
      schema: {
        tags,
        summary: 'Recompute every customer’s tier now; changes are recorded',
        response: {
          200: z.object({ runId: z.number().nullable(), customers: z.number(), changed: z.number() }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return recomputeTiersNow(req.ctx);
    },
  );
  app.get(
    '/tiers/pareto',
    {
      schema: {
        tags,
        summary:
          'Pareto curve of my branches’ customers (≤ 200 points) with the cut-offs and per-tier totals',
        response: {
          200: z.object({
            basis: z.string(),
            metric: z.string(),
            customers: z.number(),
            total: z.number(),
            points: z.array(z.object({ customerShare: z.number(), valueShare: z.number() })),
            cutoffs: z.array(z.object({ code: z.string(), name: z.string(), cutoff: z.number() })),
            tiers: z.array(
              z.object({
                tier: z.string().nullable(),
                customers: z.number(),
                value: z.number(),
                valueShare: z.number(),
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return paretoCurve(req.ctx);
    },
  );
  app.get(
    '/tiers/changes',
    {
      schema: {
        tags,
        summary: 'Tier changes of customers in my branches, newest first',
        querystring: z.object({
          customerId: ZId.optional(),
          runId: ZId.optional(),
          cursor: z.string().max(500).optional(),
          limit: ZLimit,
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                customerId: z.number(),
                customerCode: z.string(),
                customerName: z.string(),
                branchId: z.number(),
                runId: z.number().nullable(),
                oldTier: z.string().nullable(),
                newTier: z.string().nullable(),
                changedAt: z.string(),
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
      return listTierChanges(req.ctx, req.query);
    },
  );
};
