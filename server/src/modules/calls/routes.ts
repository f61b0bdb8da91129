// HTTP route of calling (拨打): the one number for the call an actor is working, unmasked and audited.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId } from '../../platform/schemas.ts';
import { revealNumberToCall } from './service.ts';

const ZContact = z
  .union([z.enum(['phone', 'phoneBackup', 'contactPhone']), ZId])
  .optional()
  .describe(
    "Which number: the customer's 'phone' (default) or 'phoneBackup', a contact person's id, or (tickets) the " +
      "ticket's 'contactPhone' (a ticket's default when it has one)",
  );

const ZCallRevealInput = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('campaign'), campaignCallId: ZId, contact: ZContact }),
  z.object({ purpose: z.literal('ticket'), ticketId: ZId, contact: ZContact }),
  z.object({ purpose: z.literal('callback'), callbackId: ZId, contact: ZContact }),
]);
named('CallReveal', ZCallRevealInput);

const ZCallNumber = z.object({
  purpose: z.enum(['campaign', 'ticket', 'callback']),
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
