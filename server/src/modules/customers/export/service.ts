// Customer export: the current search result (the same query and filters as the list) as CSV (UTF-8 with BOM, so
// Excel opens it) or XLSX, streamed page by page so any size fits in bounded memory, masked by role, with
// formula-looking cells escaped, and audited with the filter and the number of rows.
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { audit } from '../../../platform/audit.ts';
import type { AuthedCtx } from '../../../platform/context.ts';
import { requirePermission } from '../../../platform/permissions.ts';
import { csvLine, escapeFormula, UTF8_BOM } from '../import/csv-write.ts';
import { BUILTIN_FIELDS, type Locale } from '../import/fields.ts';
import { canSeePii, maskField } from '../mask.ts';
import type { TCustomerQuery } from '../schema.ts';
import { customerSearchQuery } from '../search.ts';

export type ExportFormat = 'csv' | 'xlsx';
const PAGE = 2000;

type Row = Record<string, any>;
type Column = { key: string; label: Record<Locale, string>; value: (r: Row) => unknown };

const label = (key: string) => BUILTIN_FIELDS.find((f) => f.key === key)!.labels;
const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : (d ?? null));
const dateOnly = (d: unknown) => {
  if (!(d instanceof Date)) return d ?? null;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

/**
 * Exported columns; headers are the import's labels, so an exported file imports back. Without customer.pii
 * every cell goes through the one masking path (platform/pii.ts): by column name, free text by pattern.
 */
function columns(pii: boolean): Column[] {
  const c = (key: string, value: (r: Row) => unknown): Column => ({
    key,
    label: label(key),
    value: pii ? value : (r) => maskField(null, key, value(r)),
  });
  return [
    c('code', (r) => r.code),
    c('name', (r) => r.name),
    c('kind', (r) => r.kind),
    c('status', (r) => r.status),
    c('branch', (r) => r.branch_code),
    c('owner', (r) => r.owner_username),
    c('idType', (r) => r.id_type),
    c('idNumber', (r) => r.id_number),
    c('gender', (r) => r.gender),
    c('birthDate', (r) => dateOnly(r.birth_date)),
    c('phone', (r) => r.phone),
    c('phoneBackup', (r) => r.phone_backup),
    c('email', (r) => r.email),
    c('address', (r) => r.address),
    c('occupation', (r) => r.occupation),
    c('employer', (r) => r.employer),
    c('registeredName', (r) => r.registered_name),
    c('creditCode', (r) => r.credit_code),
    c('industry', (r) => r.industry),
    c('riskLevel', (r) => r.risk_level),
    c('purpose', (r) => r.purpose),
    c('assetsUnderCustody', (r) => r.assets_under_custody),
    c('tier', (r) => r.tier),
    c('tags', (r) => (r.tags ?? []).join(',')),
    c('sourceChannel', (r) => r.source_channel),
    c('products', (r) => ((r.profile?.typicalProducts as string[] | undefined) ?? []).join(',')),
    c('notes', (r) => r.notes),
    {
      key: 'updatedAt',
      label: { 'zh-CN': '更新时间', 'zh-TW': '更新時間', en: 'Updated at' },
      value: (r) => iso(r.updated_at),
    },
  ];
}

/** Streams the export; the audit row is written after the last row, before the response ends. */
export async function exportCustomers(
  ctx: AuthedCtx,
  input: { query: TCustomerQuery; format: ExportFormat },
): Promise<{ stream: Readable; fileName: string; contentType: string }> {
  requirePermission(ctx.actor, 'customer.read', 'customer.export');
  const base = await customerSearchQuery(ctx, input.query); // validates the filters before anything is sent
  const locale = (ctx.actor.locale as Locale) ?? 'zh-CN';
  const pii = canSeePii(ctx.actor);
  const cols = columns(pii);
  const header = cols.map((c) => c.label[locale]);
  const out = new PassThrough();
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const fileName = `customers-${stamp}.${input.format}`;

  const pages = async function* () {
    let after = 0;
    for (;;) {
      const rows = await base
        .leftJoin('branches as export_branch', 'export_branch.id', 'customers.branch_id')
        .select([
          'customers.id',
          'customers.code',
          'customers.name',
          'customers.kind',
          'customers.status',
          'customers.id_type',
          'customers.id_number',
          'customers.gender',
          'customers.birth_date',
          'customers.phone',
          'customers.phone_backup',
          'customers.email',
          'customers.address',
          'customers.occupation',
          'customers.employer',
          'customers.registered_name',
          'customers.credit_code',
          'customers.industry',
          'customers.risk_level',
          'customers.purpose',
          'customers.assets_under_custody',
          'customers.tier',
          'customers.tags',
          'customers.source_channel',
          'customers.profile',
          'customers.notes',
          'customers.updated_at',
          'export_branch.code as branch_code',
          sql<string | null>`owner.username`.as('owner_username'),
        ])
        .where('customers.id', '>', after)
        .orderBy('customers.id')
        .limit(PAGE)
        .execute();
      if (!rows.length) return;
      yield rows as Row[];
      after = rows[rows.length - 1].id as number;
      if (rows.length < PAGE) return;
    }
  };

  const finish = async (count: number, error?: unknown) => {
    await audit(ctx, {
      action: 'customer.exported',
      entity: 'customer',
      branchId: ctx.actor.branchId,
      meta: {
        format: input.format,
        query: input.query,
        rows: count,
        unmasked: pii,
        ...(error ? { incomplete: String((error as Error).message ?? error) } : {}),
      },
    }).catch(() => {});
  };

  const produce = async () => {
    let count = 0;
    try {
      if (input.format === 'csv') {
        const write = (s: string) =>
          out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
        await write(UTF8_BOM + csvLine(header));
        for await (const rows of pages()) {
          let chunk = '';
          for (const r of rows) chunk += csvLine(cols.map((c) => c.value(r)));
          count += rows.length;
          await write(chunk);
        }
      } else {
        // The workbook writes into its own stream, so the response ends only after the audit row is written.
        const xlsx = new PassThrough();
        xlsx.pipe(out, { end: false });
        const drained = new Promise<void>((r) => xlsx.once('end', () => r()));
        const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
          stream: xlsx,
          useStyles: false,
          useSharedStrings: false,
        });
        const ws = wb.addWorksheet('客户');
        ws.addRow(header).commit();
        for await (const rows of pages()) {
          for (const r of rows)
            ws.addRow(
              cols.map((c) => {
                const v = c.value(r);
                return typeof v === 'string' ? escapeFormula(v) : (v ?? null);
              }),
            ).commit();
          count += rows.length;
        }
        ws.commit();
        await wb.commit();
        await drained;
      }
      await finish(count);
      out.end();
    } catch (e) {
      await finish(count, e);
      out.destroy(e as Error);
    }
  };
  void produce();
  return {
    stream: out,
    fileName,
    contentType:
      input.format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}
