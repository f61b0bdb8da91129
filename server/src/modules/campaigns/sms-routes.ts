// The gateway's delivery reports (public, HMAC-verified): update the outbox row and the message's timeline entry.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, requireActor, withTx } from '../../platform/context.ts';
import { AppError, badRequest } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { commonErrors, named, ZError, ZId } from '../../platform/schemas.ts';
import { smsConfig, verifyReport } from '../../platform/sms.ts';
import { assertCustomerVisible } from '../customers/repo.ts';
import { outboxIdOfKey } from './dispatcher.ts';

/** The placeholders a text may use; filled per customer when a step is dispatched. */
export const SMS_PLACEHOLDERS = ['name', 'code'];
export function checkPlaceholders(body: string, field: string) {
  const unknown = [...body.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .filter((k) => !SMS_PLACEHOLDERS.includes(k));
  if (unknown.length)
    throw badRequest('PLACEHOLDER_UNKNOWN', `Unknown placeholder {${unknown[0]}}; use {name} or {code}`, {
      [field]: 'PLACEHOLDER_UNKNOWN',
    });
}

const ZTemplate = z.object({
  id: z.number(),
  name: z.string(),
  body: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
});
named('SmsTemplate', ZTemplate);
const templateOut = (r: { id: number; name: string; body: string; active: boolean; created_at: Date }) => ({
  id: r.id,
  name: r.name,
  body: r.body,
  active: r.active,
  createdAt: r.created_at.toISOString(),
});

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
      requirePermission(req.ctx.actor, 'campaign.read');
      const rows = await req.ctx.db.selectFrom('sms_templates').selectAll().orderBy('name').execute();
      return rows.map(templateOut);
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
      const ctx = req.ctx;
      requirePermission(ctx.actor, 'campaign.write');
      checkPlaceholders(req.body.body, 'body');
      const row = await withTx(ctx, async (tx) => {
        const r = await tx.db
          .insertInto('sms_templates')
          .values({ name: req.body.name, body: req.body.body, created_by: ctx.actor.id })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, { action: 'sms_template.created', entity: 'sms_template', entityId: r.id, after: r });
        return r;
      });
      return reply.status(201).send(templateOut(row));
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
      const ctx = req.ctx;
      requirePermission(ctx.actor, 'customer.write');
      return withTx(ctx, async (tx) => {
        const c = await assertCustomerVisible(tx as AuthedCtx, req.params.customerId);
        const before = await tx.db
          .selectFrom('customers')
          .select('sms_opt_out')
          .where('id', '=', c.id)
          .executeTakeFirstOrThrow();
        await tx.db
          .updateTable('customers')
          .set({ sms_opt_out: req.body.optOut })
          .where('id', '=', c.id)
          .execute();
        await audit(tx, {
          action: 'customer.sms_opt_out',
          entity: 'customer',
          entityId: c.id,
          branchId: c.branch_id,
          before: { smsOptOut: before.sms_opt_out },
          after: { smsOptOut: req.body.optOut },
        });
        return { customerId: c.id, optOut: req.body.optOut };
      });
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
      const delivered = b.status === 'DELIVRD';
      return req.ctx.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('sms_outbox')
          .set({
            status: delivered ? 'delivered' : 'undelivered',
            report_status: b.status,
            reported_at: new Date(),
          })
          .where('id', '=', id)
          .where('provider_msg_id', '=', b.msgid)
          .where('status', 'in', ['sent', 'delivered', 'undelivered'])
          .returning(['id', 'interaction_id', 'customer_id', 'branch_id'])
          .executeTakeFirst();
        if (!row) return { ok: true as const, updated: false };
        if (row.interaction_id)
          await trx
            .updateTable('interactions')
            .set({ outcome: delivered ? 'delivered' : `undelivered: ${b.status}` })
            .where('id', '=', row.interaction_id)
            .where('customer_id', '=', row.customer_id)
            .execute();
        await audit(
          { db: trx, actor: null, ip: req.ip },
          {
            action: 'sms.delivery_report',
            entity: 'sms_outbox',
            entityId: id,
            branchId: row.branch_id,
            after: { status: b.status },
          },
        );
        return { ok: true as const, updated: true };
      });
    },
  );
};
