// HTTP routes of risk notices: send (SMS and/or email), list, read, confirm by hand, and the customer's public
// confirm link.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { commonErrors, named, ZError, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import { confirmPage, type PageMessage, pageLocale } from './page.ts';
import {
  confirmByPhone,
  confirmByToken,
  getNotice,
  listNotices,
  noticeByToken,
  noticeTimeline,
  resendNotice,
  sendNotice,
} from './service.ts';

/** The confirm page's form carries this cookie's value back (double submit; SameSite=Strict stops other sites). */
const CSRF_COOKIE = 'kefu_notice_csrf';
const ZToken = z.object({
  token: z
    .string()
    .min(20)
    .max(100)
    .regex(/^[\w-]+$/),
});
const ZPage = z.string().describe('an HTML page for the customer');

const ZNotice = z.object({
  id: z.number(),
  customerId: z.number(),
  customerCode: z.string(),
  customerName: z.string(),
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
  /** Who recorded a confirmation taken by phone; null when the customer confirmed through the link. */
  confirmedBy: z.object({ id: z.number(), displayName: z.string() }).nullable(),
  /** The note of a confirmation taken by phone. */
  confirmNote: z.string().nullable(),
  chaseAfterHours: z.number(),
  /** The deadline: sent + chaseAfterHours; unconfirmed after it the notice is overdue and chased. */
  dueAt: z.string(),
  overdue: z.boolean(),
  chasedAt: z.string().nullable(),
  /** How often staff sent it again (催办/再次发送), and when last. */
  resendCount: z.number(),
  lastResentAt: z.string().nullable(),
  sentBy: z.number().nullable(),
  sentByName: z.string().nullable(),
  createdAt: z.string(),
});
named('Notice', ZNotice);

const ZStaff = z.object({ id: z.number(), displayName: z.string() });
const ZNoticeEvent = z.object({
  at: z.string(),
  kind: z.enum(['sent', 'resent', 'sms', 'sms_report', 'email', 'chased', 'confirmed']),
  attempt: z.number(),
  channels: z.array(z.string()).nullable(),
  status: z.string().nullable(),
  by: ZStaff.nullable(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  via: z.string().nullable(),
  note: z.string().nullable(),
});
named('NoticeEvent', ZNoticeEvent);

export const noticeRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['notices'];
  app.get(
    '/notices',
    {
      schema: {
        tags,
        summary:
          'Risk notices in my branches (newest first, or the unconfirmed first with order=open_first); status overdue = unconfirmed past its deadline',
        querystring: z.object({
          customerId: ZId.optional(),
          status: z.enum(['sent', 'confirmed', 'overdue']).optional(),
          order: z.enum(['newest', 'open_first']).optional(),
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
        response: { 201: ZNotice, ...commonErrors },
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
  app.get(
    '/notices/:id/timeline',
    {
      schema: {
        tags,
        summary:
          "A notice's story, oldest first: sent, each SMS and email leg and delivery report, chase, resends, confirmation (how, by whom)",
        params: ZIdParams,
        response: { 200: z.array(ZNoticeEvent), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return noticeTimeline(req.ctx, req.params.id);
    },
  );
  app.post(
    '/notices/:id/resend',
    {
      schema: {
        tags,
        summary:
          'Send an unconfirmed notice again (催办) through its channels; a new confirm link replaces the old one',
        params: ZIdParams,
        response: { 200: ZNotice, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return resendNotice(req.ctx, req.params.id);
    },
  );
  app.post(
    '/notices/:id/confirm',
    {
      schema: {
        tags,
        summary:
          'Record that the customer confirmed receipt by phone (or at the counter): "confirmed by phone, recorded by" the caller',
        params: ZIdParams,
        body: z.object({ note: z.string().max(500).nullish() }),
        response: { 200: ZNotice, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return confirmByPhone(req.ctx, req.params.id, req.body);
    },
  );
  // The customer's form posts application/x-www-form-urlencoded (no script on the page); parsed here only.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  const page = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    p: Parameters<typeof confirmPage>[1],
  ) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(confirmPage(pageLocale(req.headers['accept-language']), p));
  const publicLimit = { max: 30, timeWindow: '1 minute' };

  app.get(
    '/notices/confirm/:token',
    {
      config: { public: true, rateLimit: publicLimit },
      schema: {
        tags,
        summary:
          "The customer's confirm link from the SMS or email (public): a page showing the notice and a confirm button; reading it changes nothing",
        params: ZToken,
        response: { 200: ZPage, 400: ZError, 404: ZPage, 410: ZPage },
      },
    },
    async (req, reply) => {
      const n = await noticeByToken(req.ctx, req.params.token);
      if (!n) return page(req, reply, 404, { message: 'invalid' });
      if (n.state === 'confirmed') return page(req, reply, 200, { title: n.title, message: 'already' });
      if (n.state === 'expired') return page(req, reply, 410, { title: n.title, message: 'expired' });
      const csrf = randomBytes(24).toString('base64url');
      reply.setCookie(CSRF_COOKIE, csrf, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/api/notices/confirm',
        maxAge: 3600,
      });
      return page(req, reply, 200, {
        title: n.title,
        body: n.body,
        form: { action: `/api/notices/confirm/${req.params.token}`, csrf },
      });
    },
  );
  app.post(
    '/notices/confirm/:token',
    {
      config: { public: true, rateLimit: publicLimit },
      schema: {
        tags,
        summary:
          "The customer confirms receipt (public; the form of the link's page, with its CSRF value): single use, refused after the link expires",
        params: ZToken,
        body: z.object({ csrf: z.string().min(1).max(100) }),
        response: { 200: ZPage, 400: ZError, 403: ZPage, 404: ZPage, 410: ZPage },
      },
    },
    async (req, reply) => {
      const n = await noticeByToken(req.ctx, req.params.token);
      if (!n) return page(req, reply, 404, { message: 'invalid' });
      const cookie = req.cookies[CSRF_COOKIE] ?? '';
      const sent = req.body.csrf;
      const same =
        cookie.length > 0 &&
        cookie.length === sent.length &&
        timingSafeEqual(Buffer.from(cookie), Buffer.from(sent));
      if (!same) return page(req, reply, 403, { title: n.title, message: 'retry' });
      let result: Awaited<ReturnType<typeof confirmByToken>>;
      try {
        result = await confirmByToken(req.ctx, req.params.token);
      } catch (e) {
        if (e instanceof AppError && e.status === 404) return page(req, reply, 404, { message: 'invalid' });
        throw e;
      }
      reply.clearCookie(CSRF_COOKIE, { path: '/api/notices/confirm' });
      const message: PageMessage =
        result.state === 'confirmed' ? 'done' : result.state === 'already' ? 'already' : 'expired';
      return page(req, reply, result.state === 'expired' ? 410 : 200, { title: result.title, message });
    },
  );
};
