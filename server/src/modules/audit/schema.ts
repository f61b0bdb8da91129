// Zod schemas of the audit log list: the filter and the row (AuditEntry is an OpenAPI component).
import { z } from 'zod';
import { named, ZId, ZLimit } from '../../platform/schemas.ts';

export const ZAuditRow = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  /** The actor's name today (actorName is the username written with the row). */
  actorDisplayName: z.string().nullable(),
  /** A ticket row's ticket number. */
  ticketNumber: z.string().nullable(),
  /** A customer row's customer, or a ticket row's customer: code and name. */
  customerId: z.number().nullable(),
  customerCode: z.string().nullable(),
  customerName: z.string().nullable(),
  /** A user row's user, by name. */
  userDisplayName: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  branchId: z.number().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  meta: z.unknown(),
});
named('AuditEntry', ZAuditRow);

export const ZAuditQuery = z.object({
  actorId: ZId.optional(),
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: ZLimit,
});

export type TAuditQuery = z.output<typeof ZAuditQuery>;
