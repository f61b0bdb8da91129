// HTTP route of calling (拨打): the one number for the call an actor is working, unmasked and audited.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId } from '../../platform/schemas.ts';
import { CALL_PURPOSES, revealNumberToCall } from './service.ts';

const ZContact = z
  .union([z.enum(['phone', 'phoneBackup', 'contactPhone']), ZId])
  .optional()
  .describe(
    "Which number: the customer's 'phone' (default) or 'phoneBackup', a contact person's id, or (tickets) the " +
      "ticket's 'contactPhone' (a ticket's default when it has one)",
  );

// One flat object (the purpose names which id it needs; the service answers 400 naming a missing or stray id).
const ZCallRevealInput = z.object({
  purpose: z.enum(CALL_PURPOSES).describe('What the call is for: the item it belongs to'),
  campaignCallId: ZId.optional().describe("The campaign call (purpose 'campaign')"),
  ticketId: ZId.optional().describe("The ticket (purpose 'ticket')"),
  callbackId: ZId.optional().describe("The regulatory callback (purpose 'callback')"),
  contact: ZContact,
});
named('CallReveal', ZCallRevealInput);

const ZCallNumber = z.object({
  purpose: z.enum(CALL_PURPOSES),
  itemId: z.number(),
  customerId: z.number().nullable(),
  field: z.enum(['phone', 'phoneBackup', 'contact.phone', 'contact.phoneBackup', 'contactPhone']),
  contactId: z.number().nullable(),
  number: z.string(),
});
named('CallNumber', ZCallNumber);

export const callRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/calls/reveal',
    {
      // Returns one phone number on purpose and audits it as customer.pii_revealed (platform/pii.ts lets it pass).
      config: { pii: 'revealed' },
      schema: {
        tags: ['calls'],
        summary:
          'The one number for the call the caller works (their campaign call, ticket or callback), unmasked ' +
          'without customer.pii; audited as customer.pii_revealed',
        body: ZCallRevealInput,
        response: { 200: ZCallNumber, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return revealNumberToCall(req.ctx, req.body);
    },
  );
};
