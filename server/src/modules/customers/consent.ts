// What the customer agreed to receive: the campaign-text opt-out (risk notices are sent regardless).
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { assertCustomerVisible, inTx } from './repo.ts';

/** Sets whether the customer receives campaign texts; audited with before and after. */
export async function setSmsOptOut(ctx: AuthedCtx, customerId: number, optOut: boolean) {
  requirePermission(ctx.actor, 'customer.write');
  return inTx(ctx, async (tx) => {
    const c = await assertCustomerVisible(tx, customerId);
    const before = await tx.db
      .selectFrom('customers')
      .select('sms_opt_out')
      .where('id', '=', c.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await tx.db.updateTable('customers').set({ sms_opt_out: optOut }).where('id', '=', c.id).execute();
    await audit(tx, {
      action: 'customer.sms_opt_out',
      entity: 'customer',
      entityId: c.id,
      branchId: c.branch_id,
      before: { smsOptOut: before.sms_opt_out },
      after: { smsOptOut: optOut },
    });
    return { customerId: c.id, optOut };
  });
}
