// 拨打 (issue 16): the one number for the call an actor is working, unmasked, whatever their customer.pii. The item
// decides: its module says whether the actor works it (campaigns: the call they hold or a campaign they supervise;
// tickets: one they own, are assigned, or their department works; callbacks: an open one of their branches they may
// record) and whose customer it is; the customers module gives the number. Every reveal is audited as
// customer.pii_revealed with the purpose, the item and the field; nothing else is returned.
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { callbackToDial } from '../callbacks/index.ts';
import { campaignCallToDial } from '../campaigns/index.ts';
import { type DialContact, type DialNumber, numberToDial } from '../customers/index.ts';
import { ticketToCall } from '../tickets/index.ts';

export const CALL_PURPOSES = ['campaign', 'ticket', 'callback'] as const;

/** 'contactPhone': the contact phone given on the ticket (tickets only). */
export type CallContact = DialContact | 'contactPhone';
export type RevealInput = {
  purpose: (typeof CALL_PURPOSES)[number];
  campaignCallId?: number;
  ticketId?: number;
  callbackId?: number;
  contact?: CallContact;
};

/** The id field each purpose needs. */
const ITEM_FIELD = { campaign: 'campaignCallId', ticket: 'ticketId', callback: 'callbackId' } as const;

export async function revealNumberToCall(ctx: AuthedCtx, input: RevealInput) {
  requirePermission(ctx.actor, 'customer.dial');
  const field = ITEM_FIELD[input.purpose];
  const stray = Object.values(ITEM_FIELD).filter((f) => f !== field && input[f] !== undefined);
  if (stray.length)
    throw badRequest(
      'ITEM_NOT_FOR_PURPOSE',
      `A call for a ${input.purpose} names only its ${field}`,
      Object.fromEntries(stray.map((f) => [f, 'NOT_FOR_PURPOSE'])),
    );
  const itemId = input[field];
  if (itemId === undefined)
    throw badRequest('ITEM_REQUIRED', `Say which ${input.purpose} the call is for`, { [field]: 'REQUIRED' });
  let item: { customerId: number | null; branchId: number; contactPhone?: string | null };
  if (input.purpose === 'campaign') item = await campaignCallToDial(ctx, itemId);
  else if (input.purpose === 'ticket') item = await ticketToCall(ctx, itemId);
  else item = await callbackToDial(ctx, itemId);
  const contact = input.contact;
  let found: DialNumber | { field: 'contactPhone'; contactId: null; number: string };
  const ticketPhone = input.purpose === 'ticket' ? item.contactPhone : null;
  if (contact === 'contactPhone') {
    if (input.purpose !== 'ticket')
      throw badRequest('CONTACT_NOT_OF_ITEM', 'Only a ticket has a contact phone of its own', {
        contact: 'CONTACT_NOT_OF_ITEM',
      });
    if (!ticketPhone)
      throw badRequest('NO_NUMBER', 'There is no such number to call', { contact: 'NO_NUMBER' });
    found = { field: 'contactPhone', contactId: null, number: ticketPhone };
  } else if (contact === undefined && ticketPhone) {
    // A ticket is called back on the number given for it.
    found = { field: 'contactPhone', contactId: null, number: ticketPhone };
  } else if (item.customerId == null) {
    throw badRequest('NO_NUMBER', 'This ticket has no customer to call', { contact: 'NO_NUMBER' });
  } else {
    found = await numberToDial(ctx, item.customerId, contact);
  }
  await audit(ctx, {
    action: 'customer.pii_revealed',
    entity: 'customer',
    entityId: item.customerId,
    branchId: item.branchId,
    meta: {
      purpose: input.purpose,
      itemId,
      field: found.field,
      ...(found.contactId != null && { contactId: found.contactId }),
    },
  });
  return {
    purpose: input.purpose,
    itemId,
    customerId: item.customerId,
    field: found.field,
    contactId: found.contactId,
    number: found.number,
  };
}
