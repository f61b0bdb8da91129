// HTTP routes of risk notices: send (SMS and/or email), list, read, confirm by hand, and the customer's public
// confirm link.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, ZError, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import { confirmByToken, confirmManually, getNotice, listNotices, sendNotice } from './service.ts';

const ZNotice = z.object({
  id: z.number(),
  customerId: z.number(),
  branchId: z.number(),
  kind: z.enum(['margin_call', 'forced_liquidation', 'risk_warning', 'other']),
  title: z.string(),
  body: z.string(),
  channels: z.array(z.string()),
  status: z.enum(['sent', 'confirmed']),
  smsStatus: z.string().nullable(),
  emailStatus: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedVia: z.string().nullable(),
  chaseAfterHours: z.number(),
  chasedAt: z.string().nullable(),
  sentBy: z.number().nullable(),
  createdAt: z.string(),
});

export const noticeRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['notices'];
  app.get(
    '/notices',
    {
      schema: {
        tags,
        summary: 'Risk notices in my branches (newest first)',
        querystring: z.object({
          customerId: ZId.optional(),
          status: z.enum(['sent', 'confirmed']).optional(),
          limit: ZLimit,
        }),
        response: { 200: z.array(ZNotice), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listNotices(req.ctx, req.query);
    },
  );
  app.post(
    '/notices',
    {
      schema: {
        tags,
        summary:
          'Send a risk notice (e.g. margin call) by SMS and/or email with a confirm link; chased by a call task after chaseAfterHours if unconfirmed',
        body: z.object({
          customerId: ZId,
          kind: z.enum(['margin_call', 'forced_liquidation', 'risk_warning', 'other']),
          title: z.string().trim().min(1).max(200),
          body: z.string().trim().min(1).max(2000),
          channels: z
            .array(z.enum(['sms', 'email']))
            .min(1)
            .max(2),
          chaseAfterHours: z.number().int().min(1).max(720).optional(),
        }),
        response: { 201: ZNotice.extend({ confirmToken: z.string() }), ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await sendNotice(req.ctx, req.body));
    },
  );
  app.get(
    '/notices/:id',
    {
      schema: {
        tags,
        summary: 'One risk notice',
        params: ZIdParams,
        response: { 200: ZNotice, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getNotice(req.ctx, req.params.id);
    },
  );
  app.post(
    '/notices/:id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm receipt by hand (the customer confirmed by phone or at the counter)',
        params: ZIdParams,
        body: z.object({ note: z.string().max(500).nullish() }),
        response: { 200: ZNotice, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return confirmManually(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/notices/confirm/:token',
    {
      config: { public: true },
      schema: {
        tags,
        summary: "The customer's confirm link from the SMS or email (public)",
        params: z.object({
          token: z
            .string()
            .min(20)
            .max(100)
            .regex(/^[\w-]+$/),
        }),
        response: {
          200: z.object({ confirmed: z.boolean(), title: z.string(), already: z.boolean() }),
          400: ZError,
          404: ZError,
        },
      },
    },
    async (req) => confirmByToken(req.ctx, req.params.token),
  );
};
