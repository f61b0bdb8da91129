// SMS templates and the gateway's delivery reports: the campaigns module's rules and SQL behind the routes in
// sms-routes.ts.
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { enqueue } from '../../platform/jobs.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { setInteractionOutcome } from '../customers/index.ts';

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

const templateOut = (r: { id: number; name: string; body: string; active: boolean; created_at: Date }) => ({
  id: r.id,
  name: r.name,
  body: r.body,
  active: r.active,
  createdAt: r.created_at.toISOString(),
});

export async function listSmsTemplates(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'campaign.read');
  const rows = await ctx.db.selectFrom('sms_templates').selectAll().orderBy('name').execute();
  return rows.map(templateOut);
}

export async function createSmsTemplate(ctx: AuthedCtx, input: { name: string; body: string }) {
  requirePermission(ctx.actor, 'campaign.write');
  checkPlaceholders(input.body, 'body');
  const row = await withTx(ctx, async (tx) => {
    const r = await tx.db
      .insertInto('sms_templates')
      .values({ name: input.name, body: input.body, created_by: ctx.actor.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'sms_template.created', entity: 'sms_template', entityId: r.id, after: r });
    return r;
  });
  return templateOut(row);
}

/**
 * A delivery report the gateway sent (signature checked by the route): the outbox row becomes delivered or
 * undelivered and the message's timeline entry gets the outcome, in one transaction with the audit row. A report
 * for an unknown or already-final message changes nothing. Returns whether anything changed.
 */
export async function applyDeliveryReport(
  ctx: Ctx,
  outboxId: number,
  report: { msgid: string; status: string },
): Promise<boolean> {
  const delivered = report.status === 'DELIVRD';
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('sms_outbox')
      .set({
        status: delivered ? 'delivered' : 'undelivered',
        report_status: report.status,
        reported_at: new Date(),
      })
      .where('id', '=', outboxId)
      .where('provider_msg_id', '=', report.msgid)
      .where('status', 'in', ['sent', 'delivered', 'undelivered'])
      .returning(['id', 'interaction_id', 'customer_id', 'branch_id'])
      .executeTakeFirst();
    if (!row) return false;
    if (row.interaction_id)
      await setInteractionOutcome(
        { db: trx },
        {
          id: row.interaction_id,
          customerId: row.customer_id,
          outcome: delivered ? 'delivered' : `undelivered: ${report.status}`,
        },
      );
    await audit(
      { db: trx, actor: null, ip: ctx.ip },
      {
        action: 'sms.delivery_report',
        entity: 'sms_outbox',
        entityId: outboxId,
        branchId: row.branch_id,
        after: { status: report.status },
      },
    );
    return true;
  });
}

/**
 * A risk notice's text to the customer, through the outbox the campaigns' dispatcher sends from: queued in the
 * caller's transaction with its dispatch job, so it goes out exactly when the notice commits. A resend (`attempt`)
 * first marks the notice's texts still waiting as superseded, so the customer gets only the newest link.
 */
export async function queueNoticeSms(
  ctx: Pick<Ctx, 'db'>,
  m: {
    noticeId: number;
    attempt?: number;
    customerId: number;
    branchId: number;
    mobile: string | null;
    content: string;
  },
) {
  if (m.attempt != null)
    await ctx.db
      .updateTable('sms_outbox')
      .set({ status: 'skipped', skip_reason: 'superseded' })
      .where('notice_id', '=', m.noticeId)
      .where('status', '=', 'pending')
      .execute();
  await ctx.db
    .insertInto('sms_outbox')
    .values({
      notice_id: m.noticeId,
      ...(m.attempt != null && { notice_attempt: m.attempt }),
      customer_id: m.customerId,
      branch_id: m.branchId,
      mobile: m.mobile,
      content: m.content,
    })
    .execute();
  await enqueue(ctx, 'sms:dispatch', { noticeId: m.noticeId }, { jobKey: `sms:notice:${m.noticeId}` });
}
