// HTTP routes of the service catalogue: items, packages with their items and bindings (tiers, segments), a
// customer's entitlements with fulfilment per period, running the fulfilment scheduler, and the fulfilment report.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams } from '../../platform/schemas.ts';
import { fulfilmentReport } from './report.ts';
import { runScheduleNow } from './schedule.ts';
import {
  createItem,
  createPackage,
  customerEntitlements,
  getPackage,
  listItems,
  listPackages,
  updateItem,
  updatePackage,
} from './service.ts';

const FREQUENCIES = ['once', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
const CHANNELS = [
  'phone',
  'sms',
  'email',
  'visit',
  'wechat',
  'portal',
  'counter',
  'mail',
  'meeting',
] as const;
const TASK_KINDS = ['call', 'visit', 'delivery', 'follow_up', 'review', 'other'] as const;
const PACKAGE_KINDS = ['basic', 'value_added', 'vip', 'care'] as const;
const ZCode = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ or -');

const ZItem = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  channel: z.string(),
  frequency: z.enum(FREQUENCIES),
  ownerDepartmentId: z.number().nullable(),
  unitCost: z.number(),
  standard: z.string().nullable(),
  taskKind: z.string(),
  assignTo: z.enum(['owner', 'department']),
  createsTasks: z.boolean(),
  active: z.boolean(),
  version: z.number(),
});
named('ServiceItem', ZItem);
const ZItemInput = z.object({
  code: ZCode,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000).nullish(),
  channel: z.enum(CHANNELS),
  frequency: z.enum(FREQUENCIES),
  ownerDepartmentId: ZId.nullish(),
  unitCost: z.number().min(0).max(1e10).optional(),
  standard: z.string().max(4000).nullish(),
  taskKind: z.enum(TASK_KINDS).optional(),
  assignTo: z.enum(['owner', 'department']).optional(),
  createsTasks: z.boolean().optional(),
  active: z.boolean().optional(),
});
const ZPackage = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(PACKAGE_KINDS),
  description: z.string().nullable(),
  active: z.boolean(),
  items: z.array(ZItem),
  tiers: z.array(z.string()),
  segmentIds: z.array(z.number()),
  version: z.number(),
});
named('ServicePackage', ZPackage);
const ZPackageInput = z.object({
  code: ZCode,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(PACKAGE_KINDS),
  description: z.string().max(4000).nullish(),
  active: z.boolean().optional(),
  itemIds: z.array(ZId).max(200).default([]),
  tiers: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
  segmentIds: z.array(ZId).max(50).default([]),
});
const ZFulfilment = z.object({
  periodKey: z.string(),
  dueAt: z.string(),
  taskId: z.number().nullable(),
  status: z.enum(['open', 'done', 'cancelled', 'pending']),
  completedAt: z.string().nullable(),
  outcome: z.string().nullable(),
});
named('ServiceFulfilment', ZFulfilment);
const ZEntitlements = z.object({
  customerId: z.number(),
  tier: z.string().nullable(),
  packages: z.array(
    ZPackage.omit({ items: true }).extend({
      via: z.object({ tier: z.string().nullable(), segmentId: z.number().nullable() }),
      items: z.array(ZItem.extend({ currentPeriod: z.string(), fulfilments: z.array(ZFulfilment) })),
    }),
  ),
});
named('Entitlements', ZEntitlements);
const ZReportRow = z.object({
  key: z.number().nullable(),
  label: z.string().nullable(),
  total: z.number(),
  done: z.number(),
  open: z.number(),
  overdue: z.number(),
  cancelled: z.number(),
  rate: z.number().nullable(),
  cost: z.number(),
});

export const catalogueRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['service catalogue'];
  app.get(
    '/service-items',
    {
      schema: {
        tags,
        summary: 'The service catalogue',
        response: { 200: z.object({ items: z.array(ZItem) }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return { items: await listItems(req.ctx) };
    },
  );
  app.post(
    '/service-items',
    { schema: { tags, body: ZItemInput, response: { 200: ZItem, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createItem(req.ctx, req.body);
    },
  );
  app.patch(
    '/service-items/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZItemInput.partial().extend({ version: z.number().int() }),
        response: { 200: ZItem, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateItem(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/service-packages',
    {
      schema: {
        tags,
        summary: 'Service packages with their items and bindings (tiers, segments)',
        response: { 200: z.object({ items: z.array(ZPackage) }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return { items: await listPackages(req.ctx) };
    },
  );
  app.get(
    '/service-packages/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZPackage, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getPackage(req.ctx, req.params.id);
    },
  );
  app.post(
    '/service-packages',
    { schema: { tags, body: ZPackageInput, response: { 200: ZPackage, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createPackage(req.ctx, req.body);
    },
  );
  app.patch(
    '/service-packages/:id',
    {
      schema: {
        tags,
        summary: 'Change a package; itemIds, tiers and segmentIds, when given, replace the current ones',
        params: ZIdParams,
        body: ZPackageInput.partial()
          .extend({
            itemIds: z.array(ZId).max(200).optional(),
            tiers: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
            segmentIds: z.array(ZId).max(50).optional(),
          })
          .extend({ version: z.number().int() }),
        response: { 200: ZPackage, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updatePackage(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/customers/:id/entitlements',
    {
      schema: {
        tags,
        summary:
          "A customer's service packages (by tier or segment), items, and fulfilment of recent periods",
        params: ZIdParams,
        response: { 200: ZEntitlements, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return customerEntitlements(req.ctx, req.params.id);
    },
  );
  app.post(
    '/service-schedule/run',
    {
      schema: {
        tags,
        summary: 'Create the tasks of the current period for every entitlement now (safe to repeat)',
        body: z.object({ packageId: ZId.optional() }),
        response: {
          200: z.object({
            steps: z.number(),
            created: z.number(),
            periods: z.record(z.string(), z.string()),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return runScheduleNow(req.ctx, req.body);
    },
  );
  app.get(
    '/service-reports/fulfilment',
    {
      schema: {
        tags,
        summary: 'Fulfilment rate of entitlements per package, item, manager or branch (my branches)',
        querystring: z.object({
          by: z.enum(['package', 'item', 'manager', 'branch']).default('package'),
          periodKey: z.string().max(20).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          packageId: ZId.optional(),
        }),
        response: {
          200: z.object({
            by: z.string(),
            items: z.array(ZReportRow),
            total: z.number(),
            done: z.number(),
            rate: z.number().nullable(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return fulfilmentReport(req.ctx, req.query);
    },
  );
};
