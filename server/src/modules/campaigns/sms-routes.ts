// The gateway's delivery reports (public, HMAC-verified): update the outbox row and the message's timeline entry.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, requireActor, withTx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { commonErrors, ZError, ZId } from '../../platform/schemas.ts';
import { smsConfig, verifyReport } from '../../platform/sms.ts';
import { assertCustomerVisible } from '../customers/repo.ts';
import { outboxIdOfKey } from './dispatcher.ts';

export const smsRoutes: FastifyPluginAsyncZod = async (app) => {
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
