// Flags on the customer set outside the customer form: the campaign-text opt-out (what the customer agreed to
// receive; risk notices are sent regardless) and the key-customer flag (one-to-one service by the owner).
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import { assertCustomerVisible, insertHistory, inTx } from './repo.ts';

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

/** Flags or unflags a key customer (one-to-one service by the owner), with history and audit. */
export async function setKeyCustomer(ctx: AuthedCtx, customerId: number, keyCustomer: boolean) {
  requirePermission(ctx.actor, 'customer.write');
  return inTx(ctx, async (tx) => {
    const { changed, before } = await updateVersioned(tx, {
      table: 'customers',
      id: customerId,
      version: undefined,
      columns: ['id', 'branch_id', 'key_customer'],
      branchScope: { actor: ctx.actor, column: 'customers.branch_id' },
      notFound: ['CUSTOMER_NOT_FOUND', 'Customer not found'],
      patch: (c) =>
        c.key_customer === keyCustomer ? null : { key_customer: keyCustomer, updated_by: ctx.actor.id },
      audit: {
        action: 'customer.key_customer',
        entity: 'customer',
        branchId: (c) => c.branch_id,
        record: (c) => ({ before: { keyCustomer: c.key_customer }, after: { keyCustomer } }),
      },
    });
    if (changed)
      await insertHistory(tx, customerId, [
        { field: 'keyCustomer', old_value: before.key_customer, new_value: keyCustomer },
      ]);
    return { customerId, keyCustomer };
  });
}
