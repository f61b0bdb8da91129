// Service desk routes: tickets and their thread, transfers, complaints, SLA policies, queues, notifications, and
// the public rating page.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { readUpload } from '../../platform/files.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { commonErrors, named, page, ZError, ZId, ZIdParams, ZLimit, ZOk } from '../../platform/schemas.ts';
import {
  createPolicy,
  createTreeNode,
  listPolicies,
  listTree,
  updatePolicy,
  updateTreeNode,
} from './admin.ts';
import { configureTicketMail } from './mail.ts';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from './notify.ts';
import { agentRating, ratingPage, submitRating } from './rating.ts';
import {
  addAttachment,
  addCorrectiveAction,
  addMessage,
  bulkAssign,
  createTicket,
  deleteSavedView,
  getAttachment,
  getTicket,
  getTicketDetail,
  handBackTicket,
  linkArticle,
  listSavedViews,
  listTickets,
  queueCounts,
  renderMacroForTicket,
  rootCauseReport,
  saveView,
  transferTicket,
  unlinkArticle,
  updateComplaint,
  updateCorrectiveAction,
  updateTicket,
  VIEWS,
} from './service.ts';
import { CHANNELS, PRIORITIES, SLA_TARGETS, STATUSES, TICKET_TYPES } from './tables.ts';

const ZType = z.enum(TICKET_TYPES);
const ZPriority = z.enum(PRIORITIES);
const ZStatus = z.enum(STATUSES);
const ZChannel = z.enum(CHANNELS);
const ZLocale = z.enum(['zh-CN', 'zh-TW', 'en']);
const ZSeverity = z.enum(['minor', 'normal', 'major', 'critical']);
const ZSource = z.enum(['own_channel', 'regulator_hotline', 'industry_association', 'media']);
const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const ZTime = z.string().datetime({ offset: true });

const ZComplaint = z.object({
  severity: z.string(),
  source: z.string(),
  regulatorRef: z.string().nullable(),
  accepted: z.boolean().nullable(),
  acceptanceDecidedAt: z.string().nullable(),
  notAcceptedReason: z.string().nullable(),
  resolution: z.string().nullable(),
  compensationAmount: z.string().nullable(),
  compensationNote: z.string().nullable(),
  customerAccepted: z.boolean().nullable(),
  rootCauseCategoryId: z.number().nullable(),
  rootCauseText: z.string().nullable(),
});
named('TicketComplaint', ZComplaint);
export const ZTicket = z.object({
  id: z.number(),
  number: z.string(),
  branchId: z.number(),
  type: ZType,
  categoryId: z.number().nullable(),
  priority: ZPriority,
  channel: ZChannel,
  customerId: z.number().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  locale: z.string(),
  subject: z.string(),
  description: z.string(),
  status: ZStatus,
  needsOnsite: z.boolean(),
  firstContactOwnerId: z.number(),
  firstContactOwnerName: z.string().nullable(),
  assigneeId: z.number().nullable(),
  assigneeName: z.string().nullable(),
  teamId: z.number().nullable(),
  departmentId: z.number().nullable(),
  slaPolicyId: z.number().nullable(),
  receivedAt: z.string(),
  firstRespondedAt: z.string().nullable(),
  onsiteAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  rating: z
    .object({
      score: z.number(),
      comment: z.string().nullable(),
      ratedAt: z.string().nullable(),
      ratedUserId: z.number().nullable(),
    })
    .nullable(),
  sla: z.array(
    z.object({
      target: z.enum(SLA_TARGETS),
      minutes: z.number().nullable(),
      days: z.number().nullable(),
      /** How the target counts: business time (working hours) or whole working / trading / calendar days. */
      unit: z.enum(['working_hours', 'working_days', 'trading_days', 'calendar_days']),
      dueAt: z.string().nullable(),
      warnAt: z.string().nullable(),
      metAt: z.string().nullable(),
      state: z.enum(['met', 'met_late', 'breached', 'warning', 'running', 'paused']),
      /** Counted into a year whose holiday arrangement is not entered yet: moves when it is. */
      provisional: z.boolean(),
    }),
  ),
  complaint: ZComplaint.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
named('Ticket', ZTicket);
const ZMessage = z.object({
  id: z.number(),
  visibility: z.enum(['public', 'internal']),
  direction: z.enum(['outbound', 'inbound', 'internal']),
  authorId: z.number().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
});
named('TicketMessage', ZMessage);
const ZAttachment = z.object({
  id: z.number(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  uploadedBy: z.number().nullable(),
  createdAt: z.string(),
});
named('TicketAttachment', ZAttachment);
const ZAction = z.object({
  id: z.number(),
  ticketId: z.number(),
  description: z.string(),
  ownerId: z.number(),
  dueDate: z.string(),
  completedAt: z.string().nullable(),
  late: z.boolean(),
});
named('CorrectiveAction', ZAction);
const ZDetail = z.object({
  ticket: ZTicket,
  messages: z.array(ZMessage),
  /** Everyone the page names, with their team (or department): the page never shows a bare id. */
  people: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      teamName: z.string().nullable(),
      departmentName: z.string().nullable(),
    }),
  ),
  /** What the caller may do here, decided by the server (内转外不转: customer-facing actions stay with the owner). */
  allowed: z.object({ faceCustomer: z.boolean(), transfer: z.boolean(), handBack: z.boolean() }),
  transfers: z.array(
    z.object({
      id: z.number(),
      kind: z.enum(['transfer', 'hand_back']),
      fromUserId: z.number().nullable(),
      fromTeamId: z.number().nullable(),
      fromDepartmentId: z.number().nullable(),
      toUserId: z.number().nullable(),
      toTeamId: z.number().nullable(),
      toDepartmentId: z.number().nullable(),
      reason: z.string(),
      byId: z.number().nullable(),
      at: z.string(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.number(),
      kind: z.string(),
      target: z.string().nullable(),
      actorId: z.number().nullable(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
  attachments: z.array(ZAttachment),
  articles: z.array(z.object({ id: z.number(), title: z.string(), kind: z.string() })),
  correctiveActions: z.array(ZAction),
});
named('TicketDetail', ZDetail);
const ZTree = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  name: z.string(),
  active: z.boolean(),
});
named('TicketCategory', ZTree);
const ZTreeInput = z.object({ name: z.string().trim().min(1).max(100), parentId: ZId.nullable().optional() });
const ZTreePatch = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  active: z.boolean().optional(),
});
const ZPolicyInput = z.object({
  name: z.string().trim().min(1).max(100),
  ticketType: ZType.nullable().optional(),
  priority: ZPriority.nullable().optional(),
  customerTier: z.string().trim().min(1).max(40).nullable().optional(),
  calendarId: ZId.nullable().optional(),
  firstResponseMinutes: z.number().int().min(1).max(525_600),
  onsiteMinutes: z.number().int().min(1).max(525_600).nullable().optional(),
  resolutionMinutes: z.number().int().min(1).max(525_600),
  acceptanceDays: z.number().int().min(1).max(60).nullable().optional(),
  acceptanceUnit: z.enum(['working_days', 'trading_days', 'calendar_days']).optional(),
  warnShare: z.number().min(0.05).max(0.99).optional(),
  breachRaisePriority: z.boolean().optional(),
  breachReassignToId: ZId.nullable().optional(),
  active: z.boolean().optional(),
});
const ZPolicy = z.object({
  id: z.number(),
  name: z.string(),
  ticketType: ZType.nullable(),
  priority: ZPriority.nullable(),
  customerTier: z.string().nullable(),
  calendarId: z.number().nullable(),
  firstResponseMinutes: z.number(),
  onsiteMinutes: z.number().nullable(),
  resolutionMinutes: z.number(),
  acceptanceDays: z.number().nullable(),
  acceptanceUnit: z.enum(['working_days', 'trading_days', 'calendar_days']),
  /** How each target counts (the policy screen says it): hours targets in working hours, acceptance in days. */
  units: z.object({
    first_response: z.literal('working_hours'),
    onsite: z.literal('working_hours'),
    resolution: z.literal('working_hours'),
    acceptance: z.enum(['working_days', 'trading_days', 'calendar_days']),
  }),
  warnShare: z.number(),
  breachRaisePriority: z.boolean(),
  breachReassignToId: z.number().nullable(),
  active: z.boolean(),
  version: z.number(),
});
named('SlaPolicy', ZPolicy);
const ZNotification = z.object({
  id: z.number(),
  kind: z.string(),
  ticketId: z.number().nullable(),
  title: z.string(),
  body: z.string().nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
named('Notification', ZNotification);
const ZTicketAction = z.object({ id: ZId, actionId: ZId });
const ZTicketArticle = z.object({ id: ZId, articleId: ZId });

export const ticketRoutes: FastifyPluginAsyncZod = async (app) => {
  configureTicketMail(app.kefu.config);
  const tags = ['tickets'];

  // ---- administered lists
  for (const [path, table, what] of [
    ['/ticket-categories', 'ticket_categories', 'Ticket categories (tree)'],
    ['/root-cause-categories', 'root_cause_categories', 'Root-cause categories of complaints (tree)'],
  ] as const) {
    app.get(
      path,
      { schema: { tags, summary: what, response: { 200: z.array(ZTree), ...commonErrors } } },
      async (req) => {
        requireActor(req.ctx);
        return listTree(req.ctx, table);
      },
    );
    app.post(
      path,
      { schema: { tags, body: ZTreeInput, response: { 200: ZTree, ...commonErrors } } },
      async (req) => {
        requireActor(req.ctx);
        return createTreeNode(req.ctx, table, req.body);
      },
    );
    app.patch(
      `${path}/:id`,
      { schema: { tags, params: ZIdParams, body: ZTreePatch, response: { 200: ZTree, ...commonErrors } } },
      async (req) => {
        requireActor(req.ctx);
        return updateTreeNode(req.ctx, table, req.params.id, req.body);
      },
    );
  }
  app.get(
    '/sla-policies',
    {
      schema: {
        tags,
        summary: 'SLA policies by type, priority, tier',
        response: { 200: z.array(ZPolicy), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listPolicies(req.ctx);
    },
  );
  app.post(
    '/sla-policies',
    { schema: { tags, body: ZPolicyInput, response: { 200: ZPolicy, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createPolicy(req.ctx, req.body);
    },
  );
  app.patch(
    '/sla-policies/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZPolicyInput.partial().extend({ version: z.number().int() }),
        response: { 200: ZPolicy, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updatePolicy(req.ctx, req.params.id, req.body);
    },
  );

  // ---- tickets
  app.get(
    '/tickets',
    {
      schema: {
        tags,
        summary: 'Queues: all, mine (owned or assigned), team, unassigned, breaching soon, breached; filters',
        querystring: z.object({
          view: z.enum(VIEWS).optional(),
          type: ZType.optional(),
          status: ZStatus.optional(),
          priority: ZPriority.optional(),
          customerId: ZId.optional(),
          assigneeId: ZId.optional(),
          q: z.string().max(100).optional(),
          cursor: z.string().max(200).optional(),
          limit: ZLimit,
        }),
        response: { 200: page(ZTicket), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listTickets(req.ctx, req.query);
    },
  );
  app.get(
    '/tickets/queues',
    {
      schema: {
        tags,
        summary: 'Queue counts, each capped (a count equal to cap means “cap or more”)',
        response: {
          200: z.object({
            cap: z.number(),
            mine: z.number(),
            team: z.number(),
            unassigned: z.number(),
            breachingSoon: z.number(),
            breached: z.number(),
            byType: z.record(z.string(), z.number()),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return queueCounts(req.ctx);
    },
  );
  const ZSavedView = z.object({ id: z.number(), name: z.string(), query: z.record(z.string(), z.unknown()) });
  app.get(
    '/tickets/views',
    {
      schema: {
        tags,
        summary: 'My saved ticket views',
        response: { 200: z.array(ZSavedView), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listSavedViews(req.ctx);
    },
  );
  app.post(
    '/tickets/views',
    {
      schema: {
        tags,
        body: z.object({ name: z.string().trim().min(1).max(100), query: z.record(z.string(), z.unknown()) }),
        response: { 200: ZSavedView, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return saveView(req.ctx, req.body);
    },
  );
  app.delete(
    '/tickets/views/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return deleteSavedView(req.ctx, req.params.id);
    },
  );
  app.post(
    '/tickets/bulk-assign',
    {
      schema: {
        tags,
        summary: 'Assign many tickets to one person (each recorded as a transfer)',
        body: z.object({
          ticketIds: z.array(ZId).min(1).max(200),
          assigneeId: ZId,
          reason: z.string().trim().min(1).max(1000),
        }),
        response: {
          200: z.object({
            assigned: z.array(z.number()),
            failed: z.array(z.object({ id: z.number(), code: z.string() })),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return bulkAssign(req.ctx, req.body);
    },
  );
  app.get(
    '/tickets/reports/root-causes',
    {
      schema: {
        tags,
        summary: 'Recurring root causes of complaints by period, with open and late corrective actions',
        querystring: z.object({
          from: ZTime.optional(),
          to: ZTime.optional(),
          period: z.enum(['month', 'quarter', 'year']).default('month'),
        }),
        response: {
          200: z.array(
            z.object({
              period: z.string(),
              categoryId: z.number(),
              categoryName: z.string(),
              complaints: z.number(),
              openActions: z.number(),
              lateActions: z.number(),
              recurring: z.boolean(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return rootCauseReport(req.ctx, req.query);
    },
  );
  app.get(
    '/tickets/ratings/agents/:id',
    {
      schema: {
        tags,
        summary: 'Average satisfaction rating of an agent (as first-contact owner)',
        params: ZIdParams,
        response: { 200: z.object({ count: z.number(), average: z.number().nullable() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      if (req.params.id !== req.ctx.actor.id) requirePermission(req.ctx.actor, 'ticket.supervise');
      return agentRating(req.server.kefu.db, req.params.id);
    },
  );
  app.post(
    '/tickets',
    {
      schema: {
        tags,
        summary: 'Open a ticket; the caller becomes its first-contact owner (首问负责)',
        body: z.object({
          type: ZType,
          categoryId: ZId.nullable().optional(),
          priority: ZPriority.optional(),
          channel: ZChannel,
          customerId: ZId.nullable().optional(),
          contactId: ZId.nullable().optional(),
          contactName: z.string().trim().max(100).nullable().optional(),
          contactPhone: z.string().trim().max(32).nullable().optional(),
          contactEmail: z.string().trim().email('must be an email address').max(200).nullable().optional(),
          locale: ZLocale.optional(),
          subject: z.string().trim().min(1).max(200),
          description: z.string().max(20_000).optional(),
          needsOnsite: z.boolean().optional(),
          assigneeId: ZId.nullable().optional(),
          receivedAt: ZTime.optional(),
          complaint: z
            .object({
              severity: ZSeverity.optional(),
              source: ZSource.optional(),
              regulatorRef: z.string().trim().max(100).nullable().optional(),
            })
            .optional(),
        }),
        response: { 200: ZTicket, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return createTicket(req.ctx, req.body);
    },
  );
  app.get(
    '/tickets/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZDetail, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getTicketDetail(req.ctx, req.params.id);
    },
  );
  app.patch(
    '/tickets/:id',
    {
      schema: {
        tags,
        summary:
          'Change a ticket (status included); 409 VERSION_CONFLICT with the current ticket if it moved on',
        params: ZIdParams,
        body: z.object({
          version: z.number().int(),
          subject: z.string().trim().min(1).max(200).optional(),
          description: z.string().max(20_000).optional(),
          categoryId: ZId.nullable().optional(),
          priority: ZPriority.optional(),
          status: ZStatus.optional(),
          needsOnsite: z.boolean().optional(),
          contactName: z.string().trim().max(100).nullable().optional(),
          contactPhone: z.string().trim().max(32).nullable().optional(),
          contactEmail: z.string().trim().email('must be an email address').max(200).nullable().optional(),
          locale: ZLocale.optional(),
          onsiteAt: ZTime.nullable().optional(),
        }),
        response: { 200: ZTicket, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateTicket(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/tickets/:id/transfer',
    {
      schema: {
        tags,
        summary: 'Move the work (内转外不转) to a person, team or department; the owner stays',
        params: ZIdParams,
        body: z.object({
          version: z.number().int().optional(),
          toUserId: ZId.nullable().optional(),
          toTeamId: ZId.nullable().optional(),
          toDepartmentId: ZId.nullable().optional(),
          reason: z.string().trim().min(1).max(1000),
        }),
        response: { 200: ZTicket, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return transferTicket(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/tickets/:id/hand-back',
    {
      schema: {
        tags,
        summary:
          'Hand the work back (回转) to the first-contact owner with the answer; the owner is notified and answers the customer',
        params: ZIdParams,
        body: z.object({
          version: z.number().int().optional(),
          answer: z.string().trim().min(1).max(4000),
        }),
        response: { 200: ZTicket, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return handBackTicket(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/tickets/:id/messages',
    {
      schema: {
        tags,
        summary:
          'Reply to the customer (public, emailed), record what they said (inbound), or add an internal note',
        params: ZIdParams,
        body: z.object({
          visibility: z.enum(['public', 'internal']),
          direction: z.enum(['outbound', 'inbound']).optional(),
          body: z.string().trim().min(1).max(20_000),
        }),
        response: { 200: ZMessage, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return addMessage(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/tickets/:id/attachments',
    {
      schema: {
        tags,
        summary: 'Attach a file (multipart, field "file")',
        consumes: ['multipart/form-data'],
        params: ZIdParams,
        response: { 200: ZAttachment, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'ticket.write');
      if (!req.isMultipart())
        throw badRequest('FILE_REQUIRED', 'Send the file as multipart/form-data', { file: 'FILE_REQUIRED' });
      const upload = await readUpload(req, 'attachment');
      if (!upload) throw badRequest('FILE_REQUIRED', 'No file', { file: 'FILE_REQUIRED' });
      return addAttachment(req.ctx, req.params.id, { fileName: upload.part.filename, data: upload.content });
    },
  );
  app.get(
    '/tickets/:id/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary: 'Download an attachment',
        params: z.object({ id: ZId, attachmentId: ZId }),
        response: { 200: z.any(), ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      const f = await getAttachment(req.ctx, req.params.id, req.params.attachmentId);
      return reply.headers(f.headers).send(f.content);
    },
  );
  app.post(
    '/tickets/:id/articles',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: z.object({ articleId: ZId }),
        response: { 200: ZOk, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return linkArticle(req.ctx, req.params.id, req.body.articleId);
    },
  );
  app.delete(
    '/tickets/:id/articles/:articleId',
    { schema: { tags, params: ZTicketArticle, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return unlinkArticle(req.ctx, req.params.id, req.params.articleId);
    },
  );
  app.post(
    '/tickets/:id/macros/:macroId/render',
    {
      schema: {
        tags,
        summary: 'A reply template filled in for this ticket',
        params: z.object({ id: ZId, macroId: ZId }),
        response: { 200: z.object({ body: z.string() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return renderMacroForTicket(req.ctx, req.params.id, req.params.macroId);
    },
  );
  app.patch(
    '/tickets/:id/complaint',
    {
      schema: {
        tags,
        summary:
          'Complaint details: acceptance decision, resolution, compensation, customer’s acceptance, root cause',
        params: ZIdParams,
        body: z.object({
          version: z.number().int(),
          severity: ZSeverity.optional(),
          source: ZSource.optional(),
          regulatorRef: z.string().trim().max(100).nullable().optional(),
          accepted: z.boolean().optional(),
          notAcceptedReason: z.string().trim().max(2000).nullable().optional(),
          resolution: z.string().max(20_000).nullable().optional(),
          compensationAmount: z.number().min(0).max(1e12).nullable().optional(),
          compensationNote: z.string().max(2000).nullable().optional(),
          customerAccepted: z.boolean().nullable().optional(),
          rootCauseCategoryId: ZId.nullable().optional(),
          rootCauseText: z.string().max(4000).nullable().optional(),
        }),
        response: { 200: ZTicket, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateComplaint(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/tickets/:id/corrective-actions',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: z.object({ description: z.string().trim().min(1).max(2000), ownerId: ZId, dueDate: ZDay }),
        response: { 200: ZAction, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return addCorrectiveAction(req.ctx, req.params.id, req.body);
    },
  );
  app.patch(
    '/tickets/:id/corrective-actions/:actionId',
    {
      schema: {
        tags,
        params: ZTicketAction,
        body: z.object({
          description: z.string().trim().min(1).max(2000).optional(),
          ownerId: ZId.optional(),
          dueDate: ZDay.optional(),
          completed: z.boolean().optional(),
        }),
        response: { 200: ZAction, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateCorrectiveAction(req.ctx, req.params.id, req.params.actionId, req.body);
    },
  );

  // ---- notifications
  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first; unread count capped at 100',
        querystring: z.object({
          unread: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          before: ZId.optional(),
          limit: ZLimit,
        }),
        response: { 200: z.object({ items: z.array(ZNotification), unread: z.number() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listNotifications(req.ctx, req.query);
    },
  );
  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        params: ZIdParams,
        response: { 200: ZNotification, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return markNotificationRead(req.ctx, req.params.id);
    },
  );
  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        response: { 200: z.object({ updated: z.number() }), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return markAllNotificationsRead(req.ctx);
    },
  );

  // ---- public rating page (CSAT)
  app.get(
    '/public/ratings/:token',
    {
      config: { public: true, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'The rating page behind the link emailed on close',
        params: z.object({ token: z.string().min(10).max(300) }),
        response: {
          200: z.object({
            ticketNumber: z.string(),
            subject: z.string(),
            locale: z.string(),
            used: z.boolean(),
          }),
          404: ZError,
        },
      },
    },
    async (req) => ratingPage(req.server.kefu.db, req.params.token),
  );
  app.post(
    '/public/ratings/:token',
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'Rate the service 1–5 with a comment; the link works once',
        params: z.object({ token: z.string().min(10).max(300) }),
        body: z.object({
          score: z.number().int().min(1).max(5),
          comment: z.string().trim().max(2000).nullable().optional(),
        }),
        response: { 200: ZOk, 400: ZError, 404: ZError, 410: ZError },
      },
    },
    async (req) => submitRating(req.server.kefu.db, req.params.token, req.body, req.ip),
  );
  // The ticket without the thread, for light callers (e.g. after an update).
  app.get(
    '/tickets/:id/summary',
    { schema: { tags, params: ZIdParams, response: { 200: ZTicket, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getTicket(req.ctx, req.params.id);
    },
  );
};
