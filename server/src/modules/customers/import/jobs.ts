// The web side of the customer import: an upload is stored in the database (in chunks, so any process can run
// it and memory stays bounded), previewed with its automatic column mapping, then run as a background job whose
// progress is the import_jobs row.
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import { audit } from '../../../platform/audit.ts';
import { loadActor } from '../../../platform/auth.ts';
import { type AuthedCtx, withTx } from '../../../platform/context.ts';
import { AppError, badRequest, conflict, notFound } from '../../../platform/errors.ts';
import { fileTooLarge } from '../../../platform/files.ts';
import { defineJob, enqueue } from '../../../platform/jobs.ts';
import { requirePermission } from '../../../platform/permissions.ts';
import { normalizeText } from '../normalize.ts';
import type { Locale } from './fields.ts';
import { checkXlsx } from './file-limits.ts';
import { findMapping, listMappings } from './mappings.ts';
import { FileFormatError, formatOf, readRecords } from './read.ts';
import { appendChunk, readChunks } from './repo.ts';
import { importableFields, importCustomers, loadImportFields, resolveMapping } from './service.ts';

const CHUNK = 1 << 20;
/** The preview is bounded whatever the file holds: rows, columns, and characters a cell. */
export const PREVIEW = { rows: 20, columns: 100, cellChars: 200 };

const cut = (s: string) => (s.length > PREVIEW.cellChars ? `${s.slice(0, PREVIEW.cellChars - 1)}…` : s);

/** A file the reader refused (a limit, an unreadable file) as a 400 naming the file. */
const refusedFile = (e: FileFormatError) => badRequest(e.code, e.message, { file: e.reason });

/**
 * Stores an uploaded file as a new job (status `uploaded`) without holding it in memory. `truncated` tells whether
 * the upload stopped at the import limit (413). An XLSX file is unpacked and checked within the limits here, so a
 * zip bomb is refused at once (file-limits.ts).
 */
export async function storeUpload(
  ctx: AuthedCtx,
  fileName: string,
  stream: AsyncIterable<Buffer>,
  opts: { truncated?: () => boolean } = {},
) {
  requirePermission(ctx.actor, 'customer.import');
  const name = fileName.replace(/[\\/]/g, '_').slice(-255) || 'import.csv';
  if (!/\.(csv|txt|xlsx)$/i.test(name))
    throw badRequest('IMPORT_FILE_TYPE', 'Upload a .csv or .xlsx file', { file: 'must be .csv or .xlsx' });
  const job = await ctx.db
    .insertInto('import_jobs')
    .values({
      file_name: name,
      status: 'uploaded',
      options: '{}',
      branch_id: ctx.actor.branchId,
      created_by: ctx.actor.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let size = 0;
  let head: Buffer | null = null;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  const flush = async () => {
    if (!pendingSize) return;
    await appendChunk(ctx.db as Database, job.id, 'source', Buffer.concat(pending));
    pending = [];
    pendingSize = 0;
  };
  try {
    for await (const part of stream) {
      head ??= part;
      size += part.length;
      pending.push(part);
      pendingSize += part.length;
      if (pendingSize >= CHUNK) await flush();
    }
    await flush();
  } catch (e) {
    await ctx.db.deleteFrom('import_jobs').where('id', '=', job.id).execute();
    throw e;
  }
  const refuse = async (e: Error) => {
    await ctx.db.deleteFrom('import_jobs').where('id', '=', job.id).execute();
    return e;
  };
  if (opts.truncated?.()) throw await refuse(fileTooLarge('import'));
  if (size === 0) throw await refuse(badRequest('IMPORT_EMPTY', 'The file is empty', { file: 'is empty' }));
  if (formatOf(name, head ?? undefined) === 'xlsx') {
    const parts: Buffer[] = [];
    for await (const c of readChunks(ctx.db as Database, job.id, 'source')) parts.push(c);
    try {
      await checkXlsx(Buffer.concat(parts));
    } catch (e) {
      if (e instanceof FileFormatError) throw await refuse(refusedFile(e));
      throw e;
    }
  }
  try {
    await withTx(ctx, async (tx) => {
      await tx.db.updateTable('import_jobs').set({ file_size: size }).where('id', '=', job.id).execute();
      await audit(tx, {
        action: 'customer.import_uploaded',
        entity: 'import_job',
        entityId: job.id,
        branchId: ctx.actor.branchId,
        meta: { fileName: name, size },
      });
    });
  } catch (e) {
    // No audit row, no upload: the file's chunks go with the job (on delete cascade).
    await ctx.db.deleteFrom('import_jobs').where('id', '=', job.id).execute();
    throw e;
  }
  return job.id;
}

/** A job the actor may see: their own, or any when they see all branches. Others answer 404. */
export async function findJob(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'customer.import');
  let qb = ctx.db.selectFrom('import_jobs').selectAll().where('id', '=', id);
  if (!ctx.actor.permissions.has('scope.all_branches')) qb = qb.where('created_by', '=', ctx.actor.id);
  const job = await qb.executeTakeFirst();
  if (!job) throw notFound('IMPORT_JOB_NOT_FOUND', 'Import not found');
  return job;
}

/** A running import whose row has not moved for this long was killed (its process died): say so. */
const STALLED_MS = 15 * 60_000;

export function jobOut(j: Awaited<ReturnType<typeof findJob>>) {
  const stalled = j.status === 'running' && Date.now() - j.updated_at.getTime() > STALLED_MS;
  return {
    id: j.id,
    fileName: j.file_name,
    fileSize: j.file_size,
    /** `interrupted`: the process stopped mid-way; importing the same file again completes it. */
    status: stalled ? ('interrupted' as const) : j.status,
    bytesRead: j.bytes_read,
    rowsRead: j.rows_read,
    created: j.rows_created,
    updated: j.rows_updated,
    unchanged: j.rows_unchanged,
    rejected: j.rows_rejected,
    errorMessage: j.error_message,
    errorFileName: j.error_file_name,
    errors: (j.error_sample as { line: number; field: string; reason: string; message: string }[]) ?? [],
    createdBy: j.created_by,
    createdAt: j.created_at.toISOString(),
    startedAt: j.started_at?.toISOString() ?? null,
    finishedAt: j.finished_at?.toISOString() ?? null,
  };
}

export async function listJobs(ctx: AuthedCtx, limit: number) {
  requirePermission(ctx.actor, 'customer.import');
  let qb = ctx.db.selectFrom('import_jobs').selectAll().orderBy('id', 'desc').limit(limit);
  if (!ctx.actor.permissions.has('scope.all_branches')) qb = qb.where('created_by', '=', ctx.actor.id);
  return (await qb.execute()).map(jobOut);
}

/**
 * The first rows (PREVIEW: 20 rows, 100 columns, each cell cut to 200 characters), the automatic mapping of the
 * header, every mappable field and the saved mappings.
 */
export async function previewJob(ctx: AuthedCtx, id: number) {
  const job = await findJob(ctx, id);
  const locale = (ctx.actor.locale as Locale) ?? 'zh-CN';
  const fields = await importableFields(ctx.db as Database, locale);
  let headers: string[] = [];
  const rows: { line: number; cells: string[] }[] = [];
  const source = Readable.from(readChunks(ctx.db as Database, id, 'source'));
  try {
    outer: for await (const batch of readRecords(source, job.file_name)) {
      for (const r of batch) {
        const cells = r.cells.slice(0, PREVIEW.columns).map(cut);
        if (!headers.length) headers = cells.map((h) => normalizeText(h) ?? '');
        else rows.push({ line: r.line, cells });
        if (rows.length >= PREVIEW.rows) break outer;
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof FileFormatError) throw refusedFile(e);
    throw badRequest('IMPORT_FILE_UNREADABLE', (e as Error).message, { file: 'UNREADABLE' });
  } finally {
    source.destroy();
  }
  const importFields = await loadImportFields(ctx.db as Database);
  const auto = resolveMapping(headers, importFields, null);
  return {
    job: jobOut(job),
    headers,
    rows,
    mapping: Object.fromEntries(headers.map((h, i) => [h, auto[i]?.key ?? null])),
    fields,
    savedMappings: await listMappings(ctx),
  };
}

/** Queues the import of an uploaded file with the mapping the user confirmed. */
export async function runJob(
  ctx: AuthedCtx,
  id: number,
  input: { mapping?: Record<string, string | null> | null; mappingId?: number; createBranches?: boolean },
) {
  const job = await findJob(ctx, id);
  if (job.status !== 'uploaded')
    throw conflict('IMPORT_ALREADY_STARTED', 'This import has already been started');
  const mapping = input.mappingId
    ? (await findMapping(ctx, input.mappingId)).columns
    : (input.mapping ?? null);
  await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('import_jobs')
      .set({
        status: 'queued',
        options: JSON.stringify({ mapping, createBranches: !!input.createBranches }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('status', '=', 'uploaded')
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows))
      throw conflict('IMPORT_ALREADY_STARTED', 'This import has already been started');
    await enqueue({ db: trx }, 'customers:import', { jobId: id }, { maxAttempts: 1, jobKey: `import-${id}` });
    await audit(
      { ...ctx, db: trx },
      {
        action: 'customer.import_started',
        entity: 'import_job',
        entityId: id,
        meta: { file: job.file_name },
      },
    );
  });
  return jobOut(await findJob(ctx, id));
}

/** Runs a queued job to the end (the background job's body; tests call it directly). */
export async function runImportJob(db: Database, jobId: number) {
  const job = await db.selectFrom('import_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
  if (!job || (job.status !== 'queued' && job.status !== 'running')) return;
  const actor = job.created_by ? await loadActor(db, job.created_by) : null;
  if (job.created_by && !actor) {
    await db
      .updateTable('import_jobs')
      .set({ status: 'failed', error_message: 'The user who started this import is no longer active' })
      .where('id', '=', jobId)
      .execute();
    return;
  }
  const options = (job.options ?? {}) as {
    mapping?: Record<string, string | null>;
    createBranches?: boolean;
  };
  await importCustomers(
    { db, actor, ip: null, userAgent: 'kefu-job' },
    {
      jobId,
      fileName: job.file_name,
      fileSize: job.file_size,
      source: Readable.from(readChunks(db, jobId, 'source')),
      mapping: options.mapping ?? null,
      createBranches: !!options.createBranches,
    },
  ).catch((e) => {
    // The job row says what went wrong; a retry would only fail the same way.
    if (!(e instanceof AppError)) throw e;
  });
  // The uploaded file is no longer needed once imported.
  await sql`delete from import_job_chunks where job_id = ${jobId} and role = 'source'`.execute(db);
}

defineJob('customers:import', async (payload: { jobId: number }, { db }) => runImportJob(db, payload.jobId));

/** The error file as a stream of its stored chunks. */
export async function errorFile(ctx: AuthedCtx, id: number) {
  const job = await findJob(ctx, id);
  if (!job.error_file_name) throw notFound('IMPORT_ERROR_FILE_NOT_FOUND', 'This import has no rejected rows');
  return { name: job.error_file_name, stream: Readable.from(readChunks(ctx.db as Database, id, 'errors')) };
}
