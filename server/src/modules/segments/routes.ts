// HTTP routes of segments: rule and static segments, live count and preview of a rule, members (paged, masked,
// limited to the caller's branches), static members added by id or customer code.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams, ZLimit, ZOk } from '../../platform/schemas.ts';
import { ZCustomerPage } from '../customers/index.ts';
import { ZRule } from './compile.ts';
import {
  addMembers,
  countRule,
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewRule,
  removeMembers,
  segmentMembers,
  updateSegment,
} from './service.ts';

const ZSegment = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['rule', 'static']),
  rule: z.unknown().nullable(),
  branchId: z.number().nullable(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
named('Segment', ZSegment);
const ZCount = z.object({ value: z.number(), capped: z.boolean() });
const ZName = z.string().trim().min(1).max(200);
const ZCodes = z.array(z.string().trim().min(1).max(64)).max(100_000);
const ZIds = z.array(ZId).max(100_000);

export const segmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['segments'];
  app.get(
    '/segments',
    {
      schema: {
        tags,
        summary: 'Segments visible to me (company-wide and my branches)',
        response: { 200: z.object({ items: z.array(ZSegment) }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return { items: await listSegments(req.ctx) };
    },
  );
  app.post(
    '/segments/count',
    {
      schema: {
        tags,
        summary: 'Live count of a rule (bounded), within my branches',
        body: z.object({ rule: ZRule }),
        response: { 200: ZCount, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return countRule(req.ctx, req.body.rule);
    },
  );
  app.post(
    '/segments/preview',
    {
      schema: {
        tags,
        summary: 'A rule tried before saving: bounded count and the first matching customers',
        body: z.object({ rule: ZRule, limit: z.number().int().min(1).max(200).default(20) }),
        response: { 200: ZCustomerPage, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return previewRule(req.ctx, req.body.rule, req.body.limit);
    },
  );
  app.get(
    '/segments/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZSegment, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getSegment(req.ctx, req.params.id);
    },
  );
  app.get(
    '/segments/:id/customers',
    {
      schema: {
        tags,
        summary: 'Members of a segment in my branches (masked like the customer list), with a bounded count',
        params: ZIdParams,
        querystring: z.object({
          cursor: z.string().max(500).optional(),
          limit: ZLimit,
          count: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
        }),
        response: { 200: ZCustomerPage, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return segmentMembers(req.ctx, req.params.id, req.query);
    },
  );
  app.post(
    '/segments',
    {
      schema: {
        tags,
        summary: 'Create a rule segment, or a static one (optionally with its first members)',
        body: z.object({
          name: ZName,
          description: z.string().max(4000).nullish(),
          kind: z.enum(['rule', 'static']),
          rule: ZRule.nullish(),
          branchId: ZId.nullish(),
          customerIds: ZIds.optional(),
          codes: ZCodes.optional(),
        }),
        response: { 200: ZSegment, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return createSegment(req.ctx, req.body);
    },
  );
  app.patch(
    '/segments/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: z.object({
          name: ZName.optional(),
          description: z.string().max(4000).nullish(),
          rule: ZRule.optional(),
          version: z.number().int(),
        }),
        response: { 200: ZSegment, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateSegment(req.ctx, req.params.id, req.body);
    },
  );
  app.delete(
    '/segments/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return deleteSegment(req.ctx, req.params.id);
    },
  );
  app.post(
    '/segments/:id/members',
    {
      schema: {
        tags,
        summary: 'Add customers to a static segment by id or customer code (a pasted or imported list)',
        params: ZIdParams,
        body: z.object({ customerIds: ZIds.optional(), codes: ZCodes.optional() }),
        response: { 200: z.object({ added: z.number(), notFound: z.number() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return addMembers(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/segments/:id/members/remove',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: z.object({ customerIds: ZIds.min(1) }),
        response: { 200: z.object({ removed: z.number() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return removeMembers(req.ctx, req.params.id, req.body.customerIds);
    },
  );
};
