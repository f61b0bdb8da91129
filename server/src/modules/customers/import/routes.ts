// HTTP routes of customer import (upload, preview, run as a background job, progress, error file, saved
// mappings) and export (the current search result as CSV or Excel).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../../db/index.ts';
import { requireActor } from '../../../platform/context.ts';
import { badRequest } from '../../../platform/errors.ts';
import { multipartLimits } from '../../../platform/files.ts';
import { requirePermission } from '../../../platform/permissions.ts';
import { commonErrors, named, ZIdParams, ZOk } from '../../../platform/schemas.ts';
import { exportCustomers } from '../export/service.ts';
import { ZCustomerQuery } from '../schema.ts';
import { errorFile, findJob, jobOut, listJobs, previewJob, runJob, storeUpload } from './jobs.ts';
import { createMapping, deleteMapping, listMappings, updateMapping } from './mappings.ts';
import { importableFields } from './service.ts';

const ZRowError = z.object({ line: z.number(), field: z.string(), reason: z.string(), message: z.string() });
const ZJob = z.object({
  id: z.number(),
  fileName: z.string(),
  fileSize: z.number().nullable(),
  status: z.enum(['uploaded', 'queued', 'running', 'done', 'failed', 'interrupted']),
  bytesRead: z.number(),
  rowsRead: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  errorMessage: z.string().nullable(),
  errorFileName: z.string().nullable(),
  errors: z.array(ZRowError),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
named('ImportJob', ZJob);
const ZField = z.object({
  key: z.string(),
  label: z.string(),
  labels: z.object({ 'zh-CN': z.string(), 'zh-TW': z.string(), en: z.string() }),
});
const ZColumns = z.record(z.string().max(200), z.string().max(80).nullable());
const ZMapping = z.object({
  id: z.number(),
  name: z.string(),
  columns: ZColumns,
  shared: z.boolean(),
  ownerId: z.number(),
  updatedAt: z.string(),
  version: z.number(),
});
named('ImportMapping', ZMapping);
const ZMappingInput = z.object({
  name: z.string().trim().min(1).max(100),
  columns: ZColumns,
  shared: z.boolean().optional(),
});

export const customerImportRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['customer import/export'];

  app.get(
    '/customers/import/fields',
    {
      schema: {
        tags,
        summary: 'Every customer field a column can be mapped to, custom fields included',
        response: { 200: z.array(ZField), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'customer.import');
      return importableFields(req.ctx.db as Database, (req.ctx.actor.locale as 'zh-CN') ?? 'zh-CN');
    },
  );

  app.post(
    '/customers/import/uploads',
    {
      schema: {
        tags,
        summary:
          'Upload a CSV (UTF-8 or GBK) or XLSX file (multipart field "file"); answers the new import job',
        consumes: ['multipart/form-data'],
        response: { 200: ZJob, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'customer.import');
      if (!req.isMultipart())
        throw badRequest('IMPORT_NO_FILE', 'Send the file as multipart/form-data', { file: 'is required' });
      // Within the import limit (platform/files.ts, KEFU_UPLOAD_IMPORT_MAX_BYTES): beyond it 413 FILE_TOO_LARGE.
      const file = await req.file(multipartLimits('import'));
      if (!file) throw badRequest('IMPORT_NO_FILE', 'No file was sent', { file: 'is required' });
      const id = await storeUpload(req.ctx, file.filename, file.file, {
        truncated: () => file.file.truncated,
      });
      return jobOut(await findJob(req.ctx, id));
    },
  );

  app.get(
    '/customers/import/jobs',
    {
      schema: {
        tags,
        summary: 'Recent imports (one’s own; all for those who see every branch)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.array(ZJob), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listJobs(req.ctx, req.query.limit);
    },
  );

  app.get(
    '/customers/import/jobs/:id',
    {
      schema: {
        tags,
        summary: 'An import’s status and counts',
        params: ZIdParams,
        response: { 200: ZJob, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return jobOut(await findJob(req.ctx, req.params.id));
    },
  );

  app.get(
    '/customers/import/jobs/:id/preview',
    {
      schema: {
        tags,
        summary:
          'The first 20 rows, the automatic column mapping, the mappable fields and the saved mappings',
        params: ZIdParams,
        response: {
          200: z.object({
            job: ZJob,
            headers: z.array(z.string()),
            rows: z.array(z.object({ line: z.number(), cells: z.array(z.string()) })),
            mapping: ZColumns,
            fields: z.array(ZField),
            savedMappings: z.array(ZMapping),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return previewJob(req.ctx, req.params.id);
    },
  );

  app.post(
    '/customers/import/jobs/:id/run',
    {
      schema: {
        tags,
        summary: 'Start the import of an uploaded file in the background (progress: GET the job)',
        params: ZIdParams,
        body: z.object({
          mapping: ZColumns.nullable().optional(),
          mappingId: z.number().int().positive().optional(),
          createBranches: z.boolean().optional(),
        }),
        response: { 200: ZJob, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return runJob(req.ctx, req.params.id, req.body);
    },
  );

  app.get(
    '/customers/import/jobs/:id/errors',
    {
      schema: {
        tags,
        summary: 'The rejected rows as CSV: the original columns and the reason, to fix and import again',
        params: ZIdParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe('the error file (CSV, UTF-8 with BOM)'), ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      const f = await errorFile(req.ctx, req.params.id);
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`);
      // A stream is sent as is, never serialized; the schema only documents the download.
      return reply.send(f.stream as unknown as string);
    },
  );

  app.get(
    '/customers/import/mappings',
    {
      schema: {
        tags,
        summary: 'Saved column mappings: one’s own and shared ones',
        response: { 200: z.array(ZMapping), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listMappings(req.ctx);
    },
  );
  app.post(
    '/customers/import/mappings',
    {
      schema: {
        tags,
        summary: 'Save a column mapping',
        body: ZMappingInput,
        response: { 200: ZMapping, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return createMapping(req.ctx, req.body);
    },
  );
  app.patch(
    '/customers/import/mappings/:id',
    {
      schema: {
        tags,
        summary: 'Change a saved mapping (its owner)',
        params: ZIdParams,
        body: ZMappingInput.partial().extend({ version: z.number().int() }),
        response: { 200: ZMapping, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateMapping(req.ctx, req.params.id, req.body);
    },
  );
  app.delete(
    '/customers/import/mappings/:id',
    {
      schema: {
        tags,
        summary: 'Delete a saved mapping (its owner)',
        params: ZIdParams,
        response: { 200: ZOk, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      await deleteMapping(req.ctx, req.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/customers/export',
    {
      schema: {
        tags,
        summary: 'Export the customers a search finds (same query as POST /customers/search) as CSV or XLSX',
        body: z.object({ query: ZCustomerQuery.default({}), format: z.enum(['csv', 'xlsx']).default('csv') }),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: z.string().describe('the file (CSV with BOM, or XLSX)'), ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      const r = await exportCustomers(req.ctx, req.body);
      reply
        .header('content-type', r.contentType)
        .header('content-disposition', `attachment; filename="${r.fileName}"`);
      return reply.send(r.stream as unknown as string);
    },
  );
};
