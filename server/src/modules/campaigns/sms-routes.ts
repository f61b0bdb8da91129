// SMS routes: the templates campaign steps copy, a customer's campaign-text opt-out, and the gateway's delivery
// reports (public, HMAC-verified). Thin: the rules and SQL are in sms.ts and the customers module.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { commonErrors, named, ZError, ZId } from '../../platform/schemas.ts';
import { smsConfig, verifyReport } from '../../platform/sms.ts';
import { setSmsOptOut } from '../customers/index.ts';
import { outboxIdOfKey } from './dispatcher.ts';
import { applyDeliveryReport, createSmsTemplate, listSmsTemplates } from './sms.ts';

export { checkPlaceholders, SMS_PLACEHOLDERS } from './sms.ts';

const ZTemplate = z.object({
  id: z.number(),
  name: z.string(),
  body: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
});
named('SmsTemplate', ZTemplate);
export const smsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/sms/templates',
    {
      schema: {
        tags: ['sms'],
        summary: 'SMS templates (placeholders {name}, {code}) that campaign steps copy',
        response: { 200: z.array(ZTemplate), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listSmsTemplates(req.ctx);
    },
  );
  app.post(
    '/sms/templates',
    {
      schema: {
        tags: ['sms'],
        summary: 'Add an SMS template; placeholders {name} and {code} only',
        body: z.object({ name: z.string().trim().min(1).max(100), body: z.string().trim().min(1).max(1000) }),
        response: { 201: ZTemplate, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await createSmsTemplate(req.ctx, req.body));
    },
  );

  app.put(
    '/sms/opt-out/:customerId',
    {
      schema: {
        tags: ['sms'],
        summary: 'Set whether the customer receives campaign texts (risk notices are still sent)',
        params: z.object({ customerId: ZId }),
        body: z.object({ optOut: z.boolean() }),
        response: { 200: z.object({ customerId: z.number(), optOut: z.boolean() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return setSmsOptOut(req.ctx, req.params.customerId, req.body.optOut);
    },
  );

  app.post(
    '/sms/reports',
    {
      config: { public: true },
      schema: {
        tags: ['sms'],
        summary:
          'Delivery report from the SMS gateway: {msgid, extno, status (DELIVRD = delivered), timestamp, sign = hex HMAC-SHA256(secret, msgid\\nextno\\nstatus\\ntimestamp)}',
        body: z.object({
          msgid: z.string().min(1).max(100),
          extno: z.string().min(1).max(100),
          status: z.string().min(1).max(40),
          timestamp: z.string().min(1).max(40),
          sign: z.string().min(1).max(200),
        }),
        response: { 200: z.object({ ok: z.literal(true), updated: z.boolean() }), 400: ZError },
      },
    },
    async (req) => {
      const cfg = smsConfig();
      const b = req.body;
      if (!cfg || !verifyReport(cfg.secret, b)) throw new AppError('SIGNATURE_INVALID', 400, 'Bad signature');
      const id = outboxIdOfKey(b.extno);
      if (id == null) return { ok: true as const, updated: false };
      return { ok: true as const, updated: await applyDeliveryReport(req.ctx, id, b) };
    },
  );
};
