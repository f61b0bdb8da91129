// HTTP routes of customer metrics: incremental upsert by customer code + period, file import (CSV/XLSX) with an
// error file, and a customer's figures (current and by period).
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { readUpload } from '../../platform/files.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { commonErrors, ZIdParams } from '../../platform/schemas.ts';
import { customerMetrics, importMetrics, upsertMetrics } from './service.ts';

const ZNum = z.number().finite().nullish();
const ZProblem = z.object({ line: z.number(), field: z.string(), reason: z.string() });
const ZFigures = z.object({
  period: z.string(),
  assets: z.number().nullable(),
  volume: z.number().nullable(),
  revenue: z.number().nullable(),
  tradingDays: z.number().nullable(),
  source: z.string(),
});

export const metricRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['customer metrics'];
  app.put(
    '/metrics',
    {
      schema: {
        tags,
        summary:
          'Upsert figures by customer code + period (YYYY-MM); only customers in my branches; bad rows reported',
        body: z.object({
          rows: z
            .array(
              z.object({
                customerCode: z.string().trim().min(1).max(64),
                period: z.string().max(10),
                assets: ZNum,
                volume: ZNum,
                revenue: ZNum,
                tradingDays: z.number().int().nullish(),
              }),
            )
            .min(1)
            .max(5000),
        }),
        response: {
          200: z.object({
            rows: z.number(),
            upserted: z.number(),
            rejected: z.number(),
            problems: z.array(ZProblem),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return upsertMetrics(req.ctx, req.body.rows);
    },
  );
  app.post(
    '/metrics/import',
    {
      schema: {
        tags,
        summary:
          'Import a CSV (UTF-8 or GBK) or XLSX file of figures (multipart field "file"); idempotent; errorFile is a CSV of the rejected rows with reasons',
        consumes: ['multipart/form-data'],
        response: {
          200: z.object({
            rowsRead: z.number(),
            upserted: z.number(),
            rejected: z.number(),
            problems: z.array(ZProblem),
            errorFile: z.string().nullable(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      requirePermission(req.ctx.actor, 'customer.import');
      if (!req.isMultipart())
        throw badRequest('IMPORT_NO_FILE', 'Send the file as multipart/form-data', { file: 'is required' });
      // Read whole within the import limit (platform/files.ts) before any row is written: 413 beyond it, never
      // a partial import of a cut file.
      const upload = await readUpload(req, 'import');
      if (!upload) throw badRequest('IMPORT_NO_FILE', 'No file was sent', { file: 'is required' });
      return importMetrics(req.ctx, upload.part.filename, Readable.from([upload.content]));
    },
  );
  app.get(
    '/customers/:id/metrics',
    {
      schema: {
        tags,
        summary:
          "A customer's current figures (latest period, 12-month sums, service figures) and last 36 periods",
        params: ZIdParams,
        response: {
          200: z.object({
            customerId: z.number(),
            current: z
              .object({
                period: z.string().nullable(),
                assets: z.number().nullable(),
                volume: z.number().nullable(),
                revenue: z.number().nullable(),
                tradingDays: z.number().nullable(),
                revenue12m: z.number(),
                volume12m: z.number(),
                openComplaints: z.number(),
                tickets90d: z.number(),
                csatAvg: z.number().nullable(),
                refreshedAt: z.string(),
              })
              .nullable(),
            periods: z.array(ZFigures),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return customerMetrics(req.ctx, req.params.id);
    },
  );
};
