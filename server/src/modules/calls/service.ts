// 拨打 (issue 16): the one number for the call an actor is working, unmasked, whatever their customer.pii. The item
// decides: its module says whether the actor works it (campaigns: the call they hold or a campaign they supervise;
// tickets: one they own, are assigned, or their department works; callbacks: an open one of their branches they may
// record) and whose customer it is; the customers module gives the number. Every reveal is audited as
// customer.pii_revealed with the purpose, the item and the field; nothing else is returned.
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { callbackToDial } from '../callbacks/service.ts';
import { campaignCallToDial } from '../campaigns/service.ts';
import { type DialContact, type DialNumber, numberToDial } from '../customers/index.ts';
import { ticketToCall } from '../tickets/service.ts';

export const CALL_PURPOSES = ['campaign', 'ticket', 'callback'] as const;

/** 'contactPhone': the contact phone given on the ticket (tickets only). */
export type CallContact = DialContact | 'contactPhone';
export type RevealInput =
  | { purpose: 'campaign'; campaignCallId: number; contact?: CallContact }
  | { purpose: 'ticket'; ticketId: number; contact?: CallContact }
  | { purpose: 'callback'; callbackId: number; contact?: CallContact };

export async function revealNumberToCall(ctx: AuthedCtx, input: RevealInput) {
  requirePermission(ctx.actor, 'customer.dial');
  let itemId: number;
  let item: { customerId: number | null; branchId: number; contactPhone?: string | null };
  if (input.purpose === 'campaign') {
    itemId = input.campaignCallId;
    item = await campaignCallToDial(ctx, itemId);
  } else if (input.purpose === 'ticket') {
    itemId = input.ticketId;
    item = await ticketToCall(ctx, itemId);
  } else {
    itemId = input.callbackId;
    item = await callbackToDial(ctx, itemId);
  }
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
