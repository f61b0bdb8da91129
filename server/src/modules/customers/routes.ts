// HTTP routes of the customer base (客户信息库): customers, search, saved views, history, personal-data reveal,
// custom field definitions and the interaction timeline (接触记录).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { readUpload } from '../../platform/files.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { commonErrors, page, ZId, ZIdParams, ZLimit, ZOk } from '../../platform/schemas.ts';
import {
  ATTACHMENT_CATEGORIES,
  addAttachment,
  attachmentContent,
  deleteAttachment,
  listAttachments,
} from './attachments.ts';
import { createCustomField, listCustomFields, updateCustomField } from './custom-fields.ts';
import { getInteraction, listInteractions, logInteraction } from './interactions.ts';
import { customerDuplicates, duplicateGroups, mergeCustomers } from './merge.ts';
import {
  INTERACTION_CHANNELS,
  SORT_FIELDS,
  ZCustomer,
  ZCustomerCreate,
  ZCustomerPage,
  ZCustomerPatch,
  ZCustomerSearch,
  ZCustomerSummary,
  ZCustomField,
  ZCustomFieldCreate,
  ZCustomFieldPatch,
  ZHistoryEntry,
  ZInteraction,
  ZInteractionInput,
  ZReveal,
  ZRevealInput,
  ZSavedView,
  ZSavedViewInput,
} from './schema.ts';
import { searchCustomers } from './search.ts';
import {
  createCustomer,
  customerHistory,
  getCustomer,
  revealCustomerPii,
  updateCustomer,
} from './service.ts';
import { createSavedView, deleteSavedView, listSavedViews, updateSavedView } from './views.ts';

const ZBool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const customerRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['customers'];
  app.get(
    '/customers',
    {
      schema: {
        tags,
        summary:
          'Customers in the caller’s branches: search box, common filters, keyset pages, bounded count',
        querystring: z.object({
          q: z.string().max(100).optional(),
          kind: z.enum(['individual', 'organisation']).optional(),
          status: z.enum(['prospect', 'active', 'dormant', 'closed', 'merged']).optional(),
          branchId: ZId.optional(),
          ownerId: ZId.optional(),
          tier: z.string().max(64).optional(),
          tag: z.string().max(50).optional(),
          sort: z.enum(SORT_FIELDS).optional(),
          dir: z.enum(['asc', 'desc']).optional(),
          count: ZBool.optional(),
          cursor: z.string().max(500).optional(),
          limit: ZLimit,
        }),
        response: { 200: ZCustomerPage, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      const q = req.query;
      const filters = [
        ...(q.kind ? [{ field: 'kind', op: 'eq' as const, value: q.kind }] : []),
        ...(q.status ? [{ field: 'status', op: 'eq' as const, value: q.status }] : []),
        ...(q.branchId ? [{ field: 'branchId', op: 'eq' as const, value: q.branchId }] : []),
        ...(q.ownerId ? [{ field: 'ownerId', op: 'eq' as const, value: q.ownerId }] : []),
        ...(q.tier ? [{ field: 'tier', op: 'eq' as const, value: q.tier }] : []),
        ...(q.tag ? [{ field: 'tags', op: 'eq' as const, value: q.tag }] : []),
      ];
      return searchCustomers(req.ctx, {
        q: q.q,
        filters,
        sort: q.sort,
        dir: q.dir,
        cursor: q.cursor,
        limit: q.limit,
        withCount: q.count,
      });
    },
  );
  app.post(
    '/customers/search',
    {
      schema: {
        tags,
        summary: 'Search with the full filter language (every field and custom field); a saved view’s query',
        body: ZCustomerSearch,
        response: { 200: ZCustomerPage, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return searchCustomers(req.ctx, req.body);
    },
  );
  app.get(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'One customer with contacts; ID number and phones masked without customer.pii',
        params: ZIdParams,
        response: { 200: ZCustomer, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getCustomer(req.ctx, req.params.id);
    },
  );
  app.post(
    '/customers',
    { schema: { tags, body: ZCustomerCreate, response: { 200: ZCustomer, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createCustomer(req.ctx, req.body);
    },
  );
  app.patch(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Change a customer; `version` must be current (409 VERSION_CONFLICT with the fresh record)',
        params: ZIdParams,
        body: ZCustomerPatch,
        response: { 200: ZCustomer, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateCustomer(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/customers/:id/history',
    {
      schema: {
        tags,
        summary: 'Every change of the customer, newest first (who, when, field, old → new)',
        params: ZIdParams,
        querystring: z.object({ cursor: z.string().max(200).optional(), limit: ZLimit }),
        response: { 200: page(ZHistoryEntry), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return customerHistory(req.ctx, req.params.id, req.query);
    },
  );
  app.post(
    '/customers/:id/reveal',
    {
      // Returns personal data on purpose and audits it as customer.pii_revealed (platform/pii.ts lets it pass).
      config: { pii: 'revealed' },
      schema: {
        tags,
        summary: 'Unmasked ID number / phones for a user with customer.pii; audited as customer.pii_revealed',
        params: ZIdParams,
        body: ZRevealInput,
        response: { 200: ZReveal, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return revealCustomerPii(req.ctx, req.params.id, req.body.fields);
    },
  );

  // Duplicates and merge
  app.get(
    '/customers/duplicates',
    {
      schema: {
        tags,
        summary: 'Groups of likely duplicates: same ID number, same main phone, or same name in a branch',
        querystring: z.object({ by: z.enum(['id_number', 'phone', 'name']), limit: ZLimit }),
        response: {
          200: z.array(z.object({ by: z.string(), customers: z.array(ZCustomerSummary) })),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return duplicateGroups(req.ctx, req.query);
    },
  );
  app.get(
    '/customers/:id/duplicates',
    {
      schema: {
        tags,
        summary: 'Customers that look like this one, with the reasons (id_number, credit_code, phone, name)',
        params: ZIdParams,
        response: {
          200: z.array(z.object({ customer: ZCustomerSummary, reasons: z.array(z.string()) })),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return customerDuplicates(req.ctx, req.params.id);
    },
  );
  app.post(
    '/customers/:id/merge',
    {
      schema: {
        tags,
        summary:
          'Merge other customers into this one (the survivor); nothing is lost, the merged stay as status merged',
        params: ZIdParams,
        body: z.object({ sourceIds: z.array(z.number().int().positive()).min(1).max(20) }),
        response: {
          200: z.object({ customer: ZCustomer, moved: z.record(z.string(), z.number()) }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return mergeCustomers(req.ctx, req.params.id, req.body.sourceIds);
    },
  );

  // Attachments
  const ZAttachment = z.object({
    id: z.number(),
    customerId: z.number(),
    interactionId: z.number().nullable(),
    category: z.enum(ATTACHMENT_CATEGORIES),
    filename: z.string(),
    contentType: z.string(),
    sizeBytes: z.number(),
    sha256: z.string(),
    description: z.string().nullable(),
    uploadedBy: z.number().nullable(),
    createdAt: z.string(),
    inline: z.boolean(),
  });
  const ZAttachmentParams = z.object({ id: ZId, attachmentId: ZId });
  app.get(
    '/customers/:id/attachments',
    { schema: { tags, params: ZIdParams, response: { 200: z.array(ZAttachment), ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return listAttachments(req.ctx, req.params.id);
    },
  );
  app.post(
    '/customers/:id/attachments',
    {
      schema: {
        tags,
        summary: 'Upload a photo or document (multipart: fields category, description, then file; ≤ 10 MB)',
        consumes: ['multipart/form-data'],
        params: ZIdParams,
        response: { 200: ZAttachment, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      // Refuse before reading the upload when the caller may not write.
      requirePermission(req.ctx.actor, 'customer.write');
      if (!req.isMultipart())
        throw badRequest('FILE_REQUIRED', 'Send the file as multipart/form-data', { file: 'REQUIRED' });
      const upload = await readUpload(req, 'attachment');
      if (!upload) throw badRequest('FILE_REQUIRED', 'No file in the upload', { file: 'REQUIRED' });
      const { part: data, content } = upload;
      const field = (name: string) => {
        const f = data.fields[name];
        return f && !Array.isArray(f) && f.type === 'field' ? String(f.value) : undefined;
      };
      return addAttachment(req.ctx, req.params.id, {
        filename: data.filename,
        content,
        category: field('category'),
        description: field('description'),
      });
    },
  );
  app.get(
    '/customers/:id/attachments/:attachmentId/content',
    {
      schema: {
        tags,
        summary: 'The file: images inline, others as a download; ID scans need customer.pii (audited)',
        params: ZAttachmentParams,
        response: { 200: z.string().describe('the file'), ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      const f = await attachmentContent(req.ctx, req.params.id, req.params.attachmentId);
      // A Buffer is sent as is, never serialized; the schema only documents the download.
      return reply.headers(f.headers).send(f.content as unknown as string);
    },
  );
  app.delete(
    '/customers/:id/attachments/:attachmentId',
    { schema: { tags, params: ZAttachmentParams, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      await deleteAttachment(req.ctx, req.params.id, req.params.attachmentId);
      return { ok: true as const };
    },
  );

  // Interactions (接触记录)
  const itags = ['interactions'];
  app.get(
    '/customers/:id/interactions',
    {
      schema: {
        tags: itags,
        summary: 'The customer’s timeline of contacts, newest first',
        params: ZIdParams,
        querystring: z.object({
          channel: z.enum(INTERACTION_CHANNELS).optional(),
          cursor: z.string().max(300).optional(),
          limit: ZLimit,
        }),
        response: { 200: page(ZInteraction), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listInteractions(req.ctx, req.params.id, req.query);
    },
  );
  app.post(
    '/customers/:id/interactions',
    {
      schema: {
        tags: itags,
        summary: 'Log a contact by hand; moves the customer’s last contact time',
        params: ZIdParams,
        body: ZInteractionInput,
        response: { 200: ZInteraction, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return logInteraction(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/customers/:id/interactions/:interactionId',
    {
      schema: {
        tags: itags,
        params: z.object({ id: ZId, interactionId: ZId }),
        response: { 200: ZInteraction, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getInteraction(req.ctx, req.params.id, req.params.interactionId);
    },
  );

  // Saved views (per user)
  const vtags = ['customer views'];
  app.get(
    '/customer-views',
    {
      schema: {
        tags: vtags,
        summary: 'My saved customer views',
        response: { 200: z.array(ZSavedView), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listSavedViews(req.ctx);
    },
  );
  app.post(
    '/customer-views',
    { schema: { tags: vtags, body: ZSavedViewInput, response: { 200: ZSavedView, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createSavedView(req.ctx, req.body);
    },
  );
  app.patch(
    '/customer-views/:id',
    {
      schema: {
        tags: vtags,
        params: ZIdParams,
        body: ZSavedViewInput.partial(),
        response: { 200: ZSavedView, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateSavedView(req.ctx, req.params.id, req.body);
    },
  );
  app.delete(
    '/customer-views/:id',
    { schema: { tags: vtags, params: ZIdParams, response: { 200: ZOk, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      await deleteSavedView(req.ctx, req.params.id);
      return { ok: true as const };
    },
  );

  // Custom field definitions (administrator)
  const ftags = ['custom fields'];
  app.get(
    '/custom-fields',
    {
      schema: {
        tags: ftags,
        summary: 'Custom customer fields, in form order',
        querystring: z.object({
          kind: z.enum(['individual', 'organisation']).optional(),
          includeInactive: ZBool.optional(),
        }),
        response: { 200: z.array(ZCustomField), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listCustomFields(req.ctx, req.query);
    },
  );
  app.post(
    '/custom-fields',
    { schema: { tags: ftags, body: ZCustomFieldCreate, response: { 200: ZCustomField, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createCustomField(req.ctx, req.body);
    },
  );
  app.patch(
    '/custom-fields/:id',
    {
      schema: {
        tags: ftags,
        summary: 'Change a custom field (key and type are fixed once created)',
        params: ZIdParams,
        body: ZCustomFieldPatch,
        response: { 200: ZCustomField, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateCustomField(req.ctx, req.params.id, req.body);
    },
  );
};
