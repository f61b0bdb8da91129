// HTTP routes of regulatory callbacks: rules, generating new-account callbacks, the yearly sample (preview and
// draw), the list, one callback, recording its result, and completion within deadline per branch. No delete route.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import {
  CALLBACK_QUESTIONS,
  callbackReport,
  createRule,
  drawSample,
  getCallback,
  listCallbacks,
  listRules,
  previewSample,
  recordCallbackResult,
  runNewAccountRule,
} from './service.ts';

const ZRule = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(['new_account', 'yearly_sample']),
  deadlineAmount: z.number(),
  deadlineUnit: z.enum(['working_days', 'days', 'months']),
  sampleShare: z.number().nullable(),
  effectiveFrom: z.string(),
  active: z.boolean(),
});
named('CallbackRule', ZRule);
const ZCallback = z.object({
  id: z.number(),
  ruleId: z.number(),
  kind: z.string(),
  customerId: z.number(),
  customerName: z.string().nullable(),
  customerCode: z.string().nullable(),
  branchId: z.number(),
  sampleYear: z.number().nullable(),
  dueAt: z.string(),
  status: z.enum(['open', 'done', 'unreachable']),
  overdue: z.boolean(),
  taskId: z.number().nullable(),
  result: z.unknown(),
  notes: z.string().nullable(),
  completedAt: z.string().nullable(),
  completedBy: z.number().nullable(),
  createdAt: z.string(),
});
named('Callback', ZCallback);
const ZYear = z.number().int().min(2000).max(2100);
const ZSeed = z.string().trim().min(1).max(100);
const answerKeys = Object.fromEntries(
  CALLBACK_QUESTIONS.map((q) => [q.key, z.boolean().optional()]),
) as Record<(typeof CALLBACK_QUESTIONS)[number]['key'], z.ZodOptional<z.ZodBoolean>>;

export const callbackRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['callbacks'];
  app.get(
    '/callbacks/rules',
    {
      schema: {
        tags,
        summary: 'Regulatory callback rules',
        response: { 200: z.array(ZRule), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listRules(req.ctx);
    },
  );
  app.post(
    '/callbacks/rules',
    {
      schema: {
        tags,
        summary:
          'Add a rule: new accounts within a deadline (working days on the business calendar, days, months), or a yearly sample share',
        body: z.object({
          name: z.string().trim().min(1).max(200),
          kind: z.enum(['new_account', 'yearly_sample']),
          deadlineAmount: z.number().int().min(1).max(400),
          deadlineUnit: z.enum(['working_days', 'days', 'months']),
          sampleShare: z.number().gt(0).max(1).nullish(),
          effectiveFrom: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 201: ZRule, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await createRule(req.ctx, req.body));
    },
  );
  app.post(
    '/callbacks/rules/:id/generate',
    {
      schema: {
        tags,
        summary: 'Create the callbacks of new accounts now (the job does it every 30 minutes); idempotent',
        params: ZIdParams,
        response: { 200: z.object({ created: z.number() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return runNewAccountRule(req.ctx, req.params.id);
    },
  );
  app.get(
    '/callbacks/rules/:id/sample',
    {
      schema: {
        tags,
        summary: 'Preview the yearly sample: the same seed always draws the same customers',
        params: ZIdParams,
        querystring: z.object({ year: ZYear, seed: ZSeed }),
        response: {
          200: z.object({
            year: z.number(),
            seed: z.string(),
            count: z.number(),
            customerIds: z.array(z.number()),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return previewSample(req.ctx, req.params.id, req.query);
    },
  );
  app.post(
    '/callbacks/rules/:id/draw',
    {
      schema: {
        tags,
        summary: 'Draw the yearly sample and create its callbacks (again with the same seed: nothing new)',
        params: ZIdParams,
        body: z.object({ year: ZYear, seed: ZSeed }),
        response: {
          200: z.object({ year: z.number(), seed: z.string(), drawn: z.number(), created: z.number() }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return drawSample(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/callbacks',
    {
      schema: {
        tags,
        summary: 'Regulatory callbacks in my branches, by due time',
        querystring: z.object({
          status: z.enum(['open', 'done', 'unreachable']).optional(),
          overdue: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          ruleId: ZId.optional(),
          customerId: ZId.optional(),
          limit: ZLimit,
        }),
        response: { 200: z.array(ZCallback), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listCallbacks(req.ctx, req.query);
    },
  );
  app.get(
    '/callbacks/report',
    {
      schema: {
        tags,
        summary: 'Completion within the deadline per branch',
        querystring: z.object({ year: ZYear.optional(), ruleId: ZId.optional() }),
        response: {
          200: z.array(
            z.object({
              branchId: z.number(),
              branchCode: z.string(),
              branchName: z.string(),
              total: z.number(),
              completed: z.number(),
              onTime: z.number(),
              overdue: z.number(),
              onTimeRate: z.number().nullable(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return callbackReport(req.ctx, req.query);
    },
  );
  app.get(
    '/callbacks/:id',
    {
      schema: {
        tags,
        summary: 'One regulatory callback',
        params: ZIdParams,
        response: { 200: ZCallback, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getCallback(req.ctx, req.params.id);
    },
  );
  app.post(
    '/callbacks/:id/result',
    {
      schema: {
        tags,
        summary:
          'Record the result: reached with every question answered (is_self, signed_risk_disclosure, risks_explained, unauthorised_trading, discretionary_arrangement), or not reached with notes',
        params: ZIdParams,
        body: z.object({
          reached: z.boolean(),
          answers: z.object(answerKeys).optional(),
          notes: z.string().max(4000).nullish(),
        }),
        response: { 200: ZCallback, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return recordCallbackResult(req.ctx, req.params.id, req.body);
    },
  );
};
