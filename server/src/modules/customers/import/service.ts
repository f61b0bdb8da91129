// Customer import (CSV in UTF-8 or GBK, XLSX): reads the file as a stream, maps its columns to customer fields,
// checks every row, and upserts good rows by customer code in batches — each batch one transaction with its
// history and audit — while bad rows go to an error file the user can fix and import again.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import { audit } from '../../../platform/audit.ts';
import { AppError, badRequest } from '../../../platform/errors.ts';
import { type Actor, branchScope, can, requirePermission } from '../../../platform/permissions.ts';
import { ensureBranch } from '../../org/index.ts';
import { normalizeText } from '../normalize.ts';
import { csvLine, UTF8_BOM, unescapeFormula } from './csv-write.ts';
import {
  autoMapping,
  BUILTIN_FIELDS,
  type CustomFieldDef,
  checkIdNumber,
  customImportField,
  type ImportField,
  idCardInfo,
  type Locale,
  reasonText,
} from './fields.ts';
import { FileFormatError, readRecords } from './read.ts';
import {
  addJobProgress,
  appendChunk,
  type ExistingCustomer,
  insertCustomers,
  lockExisting,
  type StagedCustomer,
  updateCustomers,
} from './repo.ts';

export type ImportCtx = { db: Database; actor: Actor | null; ip: string | null; userAgent?: string | null };

export type ImportOptions = {
  fileName: string;
  source: Readable;
  fileSize?: number | null;
  /** header → field key (or null to ignore the column); headers not named here are mapped automatically. */
  mapping?: Record<string, string | null> | null;
  createBranches?: boolean;
  batchSize?: number;
  /** Batches written at once (default 2). */
  parallel?: number;
  /** An existing job row (the web upload); otherwise one is created. */
  jobId?: number;
  /** Also write the error file here (the CLI). */
  errorFilePath?: string;
  onProgress?: (p: { bytes: number; rows: number }) => void;
};

export type RowError = { line: number; field: string; reason: string; message: string };

export type ImportSummary = {
  jobId: number;
  fileName: string;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errorFile: string | null;
  errors: RowError[];
  seconds: number;
};

const ERROR_HEADER: Record<Locale, string> = { 'zh-CN': '错误', 'zh-TW': '錯誤', en: 'error' };
const ERROR_HEADERS = new Set(['错误', '錯誤', 'error', 'errors', '错误信息', '错误/error']);
const SAMPLE = 100;

/** Everything a row is checked against, loaded once per import. */
type Lookups = {
  branchByKey: Map<string, number>;
  userByName: Map<string, number>;
  usersByDisplay: Map<string, number[]>;
  fields: ImportField[];
};

/**
 * The branches and users an import may refer to: for a branch-scoped importer only those of its own branches, the
 * same as the API allows. What lies outside is unknown to the import, so an error never tells it exists.
 */
async function loadLookups(db: Database, scope: 'all' | number[] = 'all'): Promise<Lookups> {
  let bq = db.selectFrom('branches').select(['id', 'code', 'name']);
  if (scope !== 'all') bq = bq.where('id', 'in', scope.length ? scope : [0]);
  const branches = await bq.execute();
  const branchByKey = new Map<string, number>();
  for (const b of branches) {
    branchByKey.set(b.code.toLowerCase(), b.id);
    branchByKey.set(b.name.toLowerCase(), b.id);
  }
  let uq = db.selectFrom('users').select(['id', 'username', 'display_name']).where('status', '=', 'active');
  if (scope !== 'all') uq = uq.where('branch_id', 'in', scope.length ? scope : [0]);
  const users = await uq.execute();
  const userByName = new Map(users.map((u) => [u.username.toLowerCase(), u.id]));
  const usersByDisplay = new Map<string, number[]>();
  for (const u of users)
    usersByDisplay.set(u.display_name, [...(usersByDisplay.get(u.display_name) ?? []), u.id]);
  const defs = await db
    .selectFrom('custom_field_definitions')
    .select(['key', 'label', 'type', 'kind', 'options'])
    .where('active', '=', true)
    .orderBy('position')
    .execute();
  const fields = [...BUILTIN_FIELDS, ...defs.map((d) => customImportField(d as CustomFieldDef))];
  return { branchByKey, userByName, usersByDisplay, fields };
}

/** Built-in and custom fields a column can map to. */
export async function loadImportFields(db: Database) {
  return (await loadLookups(db)).fields;
}

/** Every field a column can be mapped to, with its label in the user's language (for the mapping screen). */
export async function importableFields(db: Database, locale: Locale) {
  const { fields } = await loadLookups(db);
  return fields.map((f) => ({ key: f.key, label: f.labels[locale], labels: f.labels }));
}

/** The column → field mapping of a header row: the explicit mapping where it names the header, else automatic. */
export function resolveMapping(
  headers: string[],
  fields: ImportField[],
  explicit?: Record<string, string | null> | null,
): (ImportField | null)[] {
  const auto = autoMapping(headers, fields);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return headers.map((h, i) => {
    if (explicit && Object.hasOwn(explicit, h)) {
      const k = explicit[h];
      if (k == null || k === '') return null;
      const fl = byKey.get(k);
      if (!fl) throw badRequest('IMPORT_MAPPING_INVALID', `No field ${k}`, { [h]: `no field ${k}` });
      return fl;
    }
    return auto[i] ? byKey.get(auto[i]!)! : null;
  });
}

async function createJob(ctx: ImportCtx, opts: ImportOptions): Promise<number> {
  const row = await ctx.db
    .insertInto('import_jobs')
    .values({
      file_name: path.basename(opts.fileName).slice(0, 255) || 'import.csv',
      file_size: opts.fileSize ?? null,
      status: 'running',
      options: JSON.stringify({ mapping: opts.mapping ?? null, createBranches: !!opts.createBranches }),
      branch_id: ctx.actor?.branchId ?? null,
      created_by: ctx.actor?.id ?? null,
      started_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

type PendingRow = { staged: StagedCustomer; cells: string[] };

/** Runs an import to the end and returns its counts. Throws (and marks the job failed) if the file cannot be read. */
export async function importCustomers(ctx: ImportCtx, opts: ImportOptions): Promise<ImportSummary> {
  if (ctx.actor) requirePermission(ctx.actor, 'customer.import');
  const t0 = Date.now();
  const db = ctx.db;
  const locale: Locale = (ctx.actor?.locale as Locale) ?? 'zh-CN';
  const scope = ctx.actor ? branchScope(ctx.actor) : 'all';
  const actorName = ctx.actor?.username ?? null;
  const actorId = ctx.actor?.id ?? null;
  // Creating branches is for an organisation administrator who sees every branch (a new branch is outside any
  // narrower scope, and a scoped importer cannot tell a new name from another branch's).
  const mayCreateBranches =
    !!opts.createBranches && (!ctx.actor || (can(ctx.actor, 'admin.org') && scope === 'all'));
  const batchSize = opts.batchSize ?? 5000;

  const jobId = opts.jobId ?? (await createJob(ctx, opts));
  if (opts.jobId)
    await db
      .updateTable('import_jobs')
      .set({ status: 'running', started_at: new Date(), updated_at: new Date() })
      .where('id', '=', jobId)
      .execute();

  const lookups = await loadLookups(db, scope);
  const errorFileName = `${path.basename(opts.fileName).replace(/\.[^.]+$/, '')}.errors.csv`;
  const localErrors = opts.errorFilePath ? fs.createWriteStream(opts.errorFilePath) : null;
  let localErrorsUsed = false;

  const totals = { rowsRead: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const sample: RowError[] = [];
  let bytes = 0;
  let headers: string[] | null = null;
  let keep: number[] = []; // the original columns the error file repeats (without an old error column)
  let columns: (ImportField | null)[] = [];
  let pendingErrors = '';
  let pendingRejected = 0;

  /** One line of the error file: the row's original cells and what is wrong with it. */
  const errorLine = (
    line: number,
    cells: string[],
    errs: { field: string; label: string; code: string }[],
  ) => {
    for (const e of errs)
      if (sample.length < SAMPLE)
        sample.push({
          line,
          field: e.field,
          reason: e.code,
          message: `${e.label}: ${reasonText(e.code, locale)}`,
        });
    const where = locale === 'en' ? `row ${line}` : `第${line}行`;
    const what = errs
      .map((e) => `${e.label}${locale === 'en' ? ' ' : ''}${reasonText(e.code, locale)}`)
      .join('; ');
    return csvLine([...keep.map((i) => cells[i] ?? ''), `${where}: ${what}`]);
  };

  const label = (key: string) => lookups.fields.find((f) => f.key === key)?.labels[locale] ?? key;

  // --- one batch = one transaction -------------------------------------------------------------------------
  const commitBatch = async (
    rows: PendingRow[],
    errorText: string,
    rejectedBefore: number,
    progress: { bytes: number; rowsRead: number },
  ) => {
    const out = { created: 0, updated: 0, unchanged: 0, rejected: rejectedBefore, errorText };
    const seq = ++chunkSeq;
    await db.transaction().execute(async (trx) => {
      const existing = rows.length
        ? await lockExisting(
            trx,
            rows.map((r) => r.staged.code),
          )
        : [];
      const byCode = new Map<string, ExistingCustomer>(existing.map((e) => [e.code, e]));
      const inserts: StagedCustomer[] = [];
      const updates: StagedCustomer[] = [];
      let lateErrors = '';
      for (const r of rows) {
        const s = r.staged;
        const ex = byCode.get(s.code);
        const errs: { field: string; label: string; code: string }[] = [];
        if (ex) {
          // The API's answer for a code taken outside the importer's scope: taken, nothing about by whom.
          if (scope !== 'all' && !scope.includes(ex.branch_id))
            errs.push({ field: 'code', label: label('code'), code: 'CUSTOMER_CODE_TAKEN' });
          else if (ex.status === 'merged')
            errs.push({ field: 'code', label: label('code'), code: 'CUSTOMER_MERGED' });
        } else {
          if (s.name == null) errs.push({ field: 'name', label: label('name'), code: 'REQUIRED' });
          if (s.branch_id == null) {
            if (ctx.actor) s.branch_id = ctx.actor.branchId;
            else errs.push({ field: 'branch', label: label('branch'), code: 'REQUIRED' });
          }
          s.kind ??= s.credit_code != null || s.registered_name != null ? 'organisation' : 'individual';
        }
        if (errs.length) {
          lateErrors += errorLine(s.line, r.cells, errs);
          out.rejected++;
          continue;
        }
        (ex ? updates : inserts).push(s);
      }
      out.errorText += lateErrors;
      out.created = await insertCustomers(trx, inserts, actorId);
      const u = await updateCustomers(trx, updates, { id: actorId, name: actorName });
      out.updated = u.updated;
      out.unchanged = updates.length - u.updated;
      await appendChunk(trx, jobId, 'errors', Buffer.from(out.errorText, 'utf8'), seq);
      await addJobProgress(trx, jobId, {
        bytesRead: progress.bytes,
        rowsRead: progress.rowsRead,
        created: out.created,
        updated: out.updated,
        unchanged: out.unchanged,
        rejected: out.rejected,
      });
      if (rows.length)
        await audit(
          { ...ctx, db: trx },
          {
            action: 'customer.imported',
            entity: 'import_job',
            entityId: jobId,
            meta: {
              lines: [rows[0].staged.line, rows[rows.length - 1].staged.line],
              created: out.created,
              updated: out.updated,
              unchanged: out.unchanged,
              rejected: out.rejected,
            },
          },
        );
    });
    return out;
  };

  /** Commits rows; a batch the database refuses is split until the refused row is found and rejected alone. */
  const flush = async (
    rows: PendingRow[],
    errorText: string,
    rejected: number,
    progress: { bytes: number; rowsRead: number },
  ) => {
    let out: Awaited<ReturnType<typeof commitBatch>>;
    try {
      out = await commitBatch(rows, errorText, rejected, progress).catch((e) => {
        // Two writers may deadlock or conflict now and then: the batch is simply tried again.
        if (['40P01', '40001'].includes((e as { code?: string }).code ?? ''))
          return commitBatch(rows, errorText, rejected, progress);
        throw e;
      });
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!/^2[23]/.test(code)) throw e;
      if (rows.length > 1) {
        const mid = rows.length >> 1;
        await flush(rows.slice(0, mid), errorText, rejected, progress);
        await flush(rows.slice(mid), '', 0, progress);
        return;
      }
      const text =
        errorText +
        errorLine(rows[0].staged.line, rows[0].cells, [
          { field: 'code', label: label('code'), code: 'DATABASE' },
        ]);
      out = await commitBatch([], text, rejected + 1, progress);
    }
    totals.created += out.created;
    totals.updated += out.updated;
    totals.unchanged += out.unchanged;
    totals.rejected += out.rejected;
    if (localErrors && out.errorText) {
      localErrors.write(out.errorText);
      localErrorsUsed = true;
    }
  };

  let batch: PendingRow[] = [];
  let codesInBatch = new Set<string>();
  let chunkSeq = 0;
  // Batches are written by up to `parallel` transactions at once while the next one is read and checked, so
  // both PostgreSQL and Node have work. A batch waits for an earlier one that holds any of its codes, so a later
  // row still updates an earlier one.
  const parallel = opts.parallel ?? 2;
  const writers: { codes: Set<string>; done: Promise<void> }[] = [];
  const startFlush = async () => {
    const rows = batch;
    const codes = codesInBatch;
    const text = pendingErrors;
    const rej = pendingRejected;
    batch = [];
    codesInBatch = new Set();
    pendingErrors = '';
    pendingRejected = 0;
    for (const w of [...writers]) if ([...codes].some((c) => w.codes.has(c))) await w.done;
    while (writers.length >= parallel) await Promise.race(writers.map((w) => w.done));
    const w: { codes: Set<string>; done: Promise<void> } = { codes, done: Promise.resolve() };
    w.done = flush(rows, text, rej, { bytes, rowsRead: totals.rowsRead }).finally(() => {
      writers.splice(writers.indexOf(w), 1);
    });
    w.done.catch(() => {}); // awaited below; avoids an unhandled rejection in between
    writers.push(w);
  };
  const allWritten = async () => {
    while (writers.length) await writers[0].done;
  };

  try {
    for await (const records of readRecords(opts.source, opts.fileName, (n) => {
      bytes += n;
    })) {
      for (const rec of records) {
        if (!headers) {
          headers = rec.cells.map((h) => (normalizeText(h) ?? '').replace(/^\uFEFF/, ''));
          keep = headers.map((_, i) => i).filter((i) => !ERROR_HEADERS.has(headers![i].toLowerCase()));
          columns = resolveMapping(headers, lookups.fields, opts.mapping);
          if (!columns.some((c) => c?.key === 'code'))
            throw badRequest('IMPORT_NO_CODE_COLUMN', 'No column maps to the customer code (客户编号)', {
              mapping: 'a column must map to the customer code',
            });
          // The error file starts with the original header and an error column, whatever follows.
          const head = UTF8_BOM + csvLine([...keep.map((i) => headers![i]), ERROR_HEADER[locale]]);
          await appendChunk(db, jobId, 'errors', Buffer.from(head, 'utf8'), ++chunkSeq);
          localErrors?.write(head);
          continue;
        }
        totals.rowsRead++;
        const parsed = await parseRow(rec.cells, rec.line);
        if ('errors' in parsed) {
          pendingErrors += errorLine(rec.line, rec.cells, parsed.errors);
          pendingRejected++;
          continue;
        }
        if (codesInBatch.has(parsed.code)) await startFlush(); // a later row with the same code updates the earlier
        batch.push({ staged: parsed, cells: rec.cells });
        codesInBatch.add(parsed.code);
        if (batch.length >= batchSize) await startFlush();
      }
      opts.onProgress?.({ bytes, rows: totals.rowsRead });
    }
    if (!headers) throw badRequest('IMPORT_EMPTY', 'The file has no header row');
    await startFlush();
    await allWritten();
    const finishedErrorFile = totals.rejected > 0 ? errorFileName : null;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('import_jobs')
        .set({
          status: 'done',
          finished_at: new Date(),
          updated_at: new Date(),
          bytes_read: bytes,
          rows_read: totals.rowsRead,
          error_file_name: finishedErrorFile,
          error_sample: JSON.stringify(sample),
        })
        .where('id', '=', jobId)
        .execute();
      await audit(
        { ...ctx, db: trx },
        {
          action: 'customer.import_finished',
          entity: 'import_job',
          entityId: jobId,
          meta: { file: opts.fileName, ...totals },
        },
      );
    });
    opts.onProgress?.({ bytes, rows: totals.rowsRead });
    return {
      jobId,
      fileName: opts.fileName,
      ...totals,
      errorFile: finishedErrorFile ? (localErrorsUsed ? opts.errorFilePath! : finishedErrorFile) : null,
      errors: sample,
      seconds: (Date.now() - t0) / 1000,
    };
  } catch (e) {
    await Promise.allSettled(writers.map((w) => w.done));
    const message =
      e instanceof AppError || e instanceof FileFormatError
        ? e.message
        : `Import failed: ${(e as Error).message}`;
    await db
      .updateTable('import_jobs')
      .set({
        status: 'failed',
        error_message: message.slice(0, 2000),
        finished_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', jobId)
      .execute()
      .catch(() => {});
    if (e instanceof FileFormatError) throw badRequest(e.code, e.message, { file: e.reason });
    throw e;
  } finally {
    await new Promise<void>((r) => (localErrors ? localErrors.end(r) : r()));
    if (localErrors && !localErrorsUsed) fs.rmSync(opts.errorFilePath!, { force: true });
  }

  // --- checking one row ------------------------------------------------------------------------------------
  async function parseRow(
    cells: string[],
    line: number,
  ): Promise<StagedCustomer | { errors: { field: string; label: string; code: string }[] }> {
    const s: StagedCustomer = {
      line,
      code: '',
      kind: null,
      name: null,
      status: null,
      branch_id: null,
      owner_id: null,
      source_channel: null,
      tier: null,
      tags: null,
      notes: null,
      id_type: null,
      id_number: null,
      gender: null,
      birth_date: null,
      phone: null,
      phone_backup: null,
      email: null,
      address: null,
      occupation: null,
      employer: null,
      registered_name: null,
      credit_code: null,
      industry: null,
      risk_level: null,
      purpose: null,
      assets_under_custody: null,
      profile: null,
      custom: null,
    };
    const errors: { field: string; label: string; code: string }[] = [];
    const err = (fl: ImportField, code: string) =>
      errors.push({ field: fl.key, label: fl.labels[locale], code });
    for (let i = 0; i < columns.length; i++) {
      const fl = columns[i];
      if (!fl) continue;
      const raw = unescapeFormula(cells[i] ?? '');
      const r = fl.parse(raw);
      if ('error' in r) {
        err(fl, r.error);
        continue;
      }
      const v = r.value;
      if (v == null) continue;
      if (fl.key === 'branch') {
        // Another branch is as unknown as a branch that does not exist (lookups hold only the scope's).
        const id = await resolveBranch(String(v));
        if (id === undefined || (scope !== 'all' && !scope.includes(id))) err(fl, 'BRANCH_UNKNOWN');
        else s.branch_id = id;
      } else if (fl.key === 'owner') {
        const o = resolveOwner(String(v));
        if (typeof o === 'string') err(fl, o);
        else s.owner_id = o;
      } else if (fl.column.startsWith('profile.')) {
        s.profile = { ...s.profile, [fl.column.slice(8)]: v };
      } else if (fl.column.startsWith('custom.')) {
        s.custom = { ...s.custom, [fl.column.slice(7)]: v };
      } else (s as Record<string, unknown>)[fl.column] = v;
    }
    if (!s.code) errors.push({ field: 'code', label: label('code'), code: 'REQUIRED' });
    if (s.id_number != null) {
      const c = checkIdNumber(s.id_type, s.id_number);
      if ('error' in c) errors.push({ field: 'idNumber', label: label('idNumber'), code: c.error });
      else {
        s.id_type = c.idType;
        if (c.idType === 'id_card') {
          const info = idCardInfo(s.id_number);
          if (info) {
            s.birth_date ??= info.birthDate;
            s.gender ??= info.gender;
          }
        }
      }
    }
    return errors.length ? { errors } : s;
  }

  async function resolveBranch(v: string): Promise<number | undefined> {
    const hit = lookups.branchByKey.get(v.toLowerCase());
    if (hit !== undefined || !mayCreateBranches) return hit;
    const code = /^[A-Za-z0-9_-]{1,32}$/.test(v) ? v.toUpperCase() : `B${lookups.branchByKey.size + 1}`;
    const b = await db
      .transaction()
      .execute((trx) =>
        ensureBranch({ ...ctx, db: trx }, { code, name: v.slice(0, 100) }, { via: 'import', jobId }),
      );
    lookups.branchByKey.set(v.toLowerCase(), b.id);
    lookups.branchByKey.set(b.code.toLowerCase(), b.id);
    return b.id;
  }

  /** An active user of the importer's scope, by username or (when unique there) display name. */
  function resolveOwner(v: string): number | string {
    const byName = lookups.userByName.get(v.toLowerCase());
    if (byName !== undefined) return byName;
    const byDisplay = lookups.usersByDisplay.get(v);
    if (!byDisplay) return 'OWNER_UNKNOWN';
    if (byDisplay.length > 1) return 'OWNER_AMBIGUOUS';
    return byDisplay[0];
  }
}
