// The one number to dial for a call (拨打): the customer's main or backup phone, or one of their contact persons'.
// Only POST /api/calls/reveal calls this, after the calls module has established that the actor works an item of
// this customer (a campaign call, a ticket, a callback) — so it reads the customer without the branch scope (a
// ticket may be worked from another branch) and leaves the audit row to its caller.
import type { Ctx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';

/** Which number: 'phone', 'phoneBackup', or a contact person's id; none = the main phone, else the backup. */
export type DialContact = 'phone' | 'phoneBackup' | number;
export type DialNumber = {
  /** Where the number comes from, as audited: phone, phoneBackup, contact.phone, contact.phoneBackup. */
  field: 'phone' | 'phoneBackup' | 'contact.phone' | 'contact.phoneBackup';
  contactId: number | null;
  number: string;
};

const noNumber = () => badRequest('NO_NUMBER', 'There is no such number to call', { contact: 'NO_NUMBER' });

export async function numberToDial(
  ctx: Pick<Ctx, 'db'>,
  customerId: number,
  contact: DialContact | undefined,
): Promise<DialNumber> {
  if (typeof contact === 'number') {
    const c = await ctx.db
      .selectFrom('customer_contacts')
      .select(['id', 'phone', 'phone_backup'])
      .where('id', '=', contact)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (!c)
      throw badRequest('CONTACT_NOT_OF_CUSTOMER', 'This contact person is not of the customer called', {
        contact: 'CONTACT_NOT_OF_CUSTOMER',
      });
    if (c.phone) return { field: 'contact.phone', contactId: c.id, number: c.phone };
    if (c.phone_backup) return { field: 'contact.phoneBackup', contactId: c.id, number: c.phone_backup };
    throw noNumber();
  }
  const row = await ctx.db
    .selectFrom('customers')
    .select(['phone', 'phone_backup'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!row) throw noNumber();
  if (contact !== 'phoneBackup' && row.phone) return { field: 'phone', contactId: null, number: row.phone };
  if (contact !== 'phone' && row.phone_backup)
    return { field: 'phoneBackup', contactId: null, number: row.phone_backup };
  throw noNumber();
}
