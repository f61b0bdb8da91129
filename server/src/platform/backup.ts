// `kefu backup FILE` and `kefu restore FILE`: a portable, logical copy of Kefu's data that restores into an empty
// database on any PostgreSQL from 15 up (the embedded one or a server), so a firm can move from one to the other.
//
// The file is one gzip stream:
//   line 1   a JSON header: format and version, Kefu's applied migrations, when, and every table in foreign-key
//            order with its columns and row count, and every sequence's value
//   then     per table: `@@table <name>\n`, the rows in PostgreSQL's COPY text format (one row a line), `\.\n`
//   last     `@@end\n`
// A backup is one REPEATABLE READ READ ONLY transaction (a consistent snapshot while Kefu keeps running); a
// restore is one transaction (a failed restore leaves the target without rows). Both stream: memory stays flat
// however many rows there are.
import fs from 'node:fs';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import cliProgress from 'cli-progress';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Config } from '../config.ts';
import { runningEmbeddedUrl } from '../db/embedded.ts';
import { createPool, type Database } from '../db/index.ts';
import { knownMigrations, migrate, migrateTo } from '../db/migrate.ts';
import { openDatabase, syncBuiltinRoles } from './bootstrap.ts';

export const BACKUP_FORMAT = 'kefu-backup';
export const BACKUP_VERSION = 1;

/** Tables that are not Kefu's data: the migration bookkeeping (the job queue lives in its own schema). */
const SKIPPED_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/** Session settings for both ends, so dates, intervals, floats and bytes are written and read unambiguously. */
const SESSION_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  bytea_output: 'hex',
  client_encoding: 'UTF8',
};

export type BackupTable = { name: string; columns: string[]; types: string[]; rows: number };
export type BackupSequence = { name: string; lastValue: string; isCalled: boolean };
export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  server: string;
  encoding: 'UTF8';
  settings: Record<string, string>;
  migrations: string[];
  tables: BackupTable[];
  sequences: BackupSequence[];
};
export type Progress = (done: number, total: number, label: string) => void;

/** A backup file that cannot be read back: damaged, cut short, or not a Kefu backup. */
export class BackupFileError extends Error {}
/** The restore target already holds data. */
export class RestoreTargetNotEmptyError extends Error {}

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;
const qt = (table: string) => `public.${q(table)}`;

async function applySettings(client: pg.PoolClient) {
  for (const [k, v] of Object.entries(SESSION_SETTINGS))
    await client.query('select set_config($1, $2, true)', [k, v]);
}

type CatalogTable = { oid: number; name: string; columns: string[]; types: string[] };
type CatalogFk = { name: string; table: string; references: string; deferrable: boolean; deferred: boolean };

/** Kefu's tables (schema public, not the migration bookkeeping, not partitions or extension tables). */
async function catalogTables(client: pg.ClientBase): Promise<CatalogTable[]> {
  const tables = await client.query<{ oid: number; name: string }>(
    `select c.oid::int as oid, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname <> all($1::text[])
        and not exists (select 1 from pg_depend d
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      order by c.relname`,
    [SKIPPED_TABLES],
  );
  const cols = await client.query<{ oid: number; name: string; type: string }>(
    `select a.attrelid::int as oid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a
      where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by a.attrelid, a.attnum`,
    [tables.rows.map((t) => t.oid)],
  );
  return tables.rows.map((t) => {
    const mine = cols.rows.filter((c) => c.oid === t.oid);
    return { ...t, columns: mine.map((c) => c.name), types: mine.map((c) => c.type) };
  });
}

async function catalogForeignKeys(client: pg.ClientBase): Promise<CatalogFk[]> {
  const r = await client.query<CatalogFk>(
    `select con.conname as name, src.relname as table, dst.relname as references,
            con.condeferrable as deferrable, con.condeferred as deferred
       from pg_constraint con
       join pg_class src on src.oid = con.conrelid
       join pg_class dst on dst.oid = con.confrelid
       join pg_namespace n on n.oid = src.relnamespace
      where con.contype = 'f' and n.nspname = 'public'
      order by src.relname, con.conname`,
  );
  return r.rows;
}

/**
 * Tables ordered so that a referenced table comes before the tables referring to it. A cycle (users ↔ teams) is
 * broken at the table with the fewest unmet references; restore defers the foreign keys that point forward.
 */
export function dependencyOrder(tables: string[], fks: { table: string; references: string }[]): string[] {
  const deps = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const fk of fks)
    if (fk.table !== fk.references && deps.has(fk.table) && deps.has(fk.references))
      deps.get(fk.table)!.add(fk.references);
  const out: string[] = [];
  const left = new Set([...tables].sort());
  while (left.size) {
    const unmet = (t: string) => [...deps.get(t)!].filter((d) => left.has(d)).length;
    const ready = [...left].filter((t) => unmet(t) === 0);
    const next = ready.length ? ready : [[...left].sort((a, b) => unmet(a) - unmet(b))[0]];
    for (const t of next) {
      out.push(t);
      left.delete(t);
    }
  }
  return out;
}

async function sequenceValues(client: pg.ClientBase): Promise<BackupSequence[]> {
  const seqs = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and n.nspname = 'public' order by c.relname`,
  );
  const out: BackupSequence[] = [];
  for (const s of seqs.rows) {
    const v = await client.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text as last_value, is_called from ${qt(s.name)}`,
    );
    out.push({ name: s.name, lastValue: v.rows[0].last_value, isCalled: v.rows[0].is_called });
  }
  return out;
}

function countLines(b: Buffer) {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Writes a backup of the database behind `pool` to `out` (gzip). Resolves with the header once all is written. */
export async function backup(
  pool: pg.Pool,
  out: Writable,
  opts: { onProgress?: Progress } = {},
): Promise<BackupHeader> {
  const client = await pool.connect();
  let header: BackupHeader | undefined;
  let failed = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await applySettings(client);
    const hasSchema = await client.query(`select to_regclass('public.kysely_migration') is not null as ok`);
    if (!hasSchema.rows[0].ok) throw new Error('This database has no Kefu schema: nothing to back up.');
    const migrations = (
      await client.query<{ name: string }>('select name from kysely_migration order by name')
    ).rows.map((r) => r.name);
    const tables = await catalogTables(client);
    const order = dependencyOrder(
      tables.map((t) => t.name),
      await catalogForeignKeys(client),
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    const list: BackupTable[] = [];
    for (const name of order) {
      const t = byName.get(name)!;
      const n = await client.query<{ n: string }>(`select count(*)::text as n from ${qt(name)}`);
      list.push({ name, columns: t.columns, types: t.types, rows: Number(n.rows[0].n) });
    }
    header = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      server: (await client.query('select version() as v')).rows[0].v,
      encoding: 'UTF8',
      settings: SESSION_SETTINGS,
      migrations,
      tables: list,
      sequences: await sequenceValues(client),
    };
    const h = header;
    const total = list.reduce((s, t) => s + t.rows, 0);
    let done = 0;
    async function* content() {
      yield Buffer.from(`${JSON.stringify(h)}\n`);
      for (const t of h.tables) {
        opts.onProgress?.(done, total, t.name);
        yield Buffer.from(`@@table ${t.name}\n`);
        const cols = t.columns.map(q).join(', ');
        const stream = client.query(copyStreams.to(`copy (select ${cols} from ${qt(t.name)}) to stdout`));
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          done += countLines(chunk);
          opts.onProgress?.(done, total, t.name);
          yield chunk;
        }
        if (stream.rowCount !== t.rows)
          throw new Error(`table ${t.name}: counted ${t.rows} rows but copied ${stream.rowCount}`);
        yield Buffer.from('\\.\n');
      }
      yield Buffer.from('@@end\n');
      opts.onProgress?.(total, total, 'done');
    }
    await pipeline(Readable.from(content()), zlib.createGzip({ level: 6 }), out);
    await client.query('commit');
    return header;
  } catch (e) {
    failed = true;
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    // A connection whose COPY was cut off mid-stream is not reused.
    client.release(failed ? true : undefined);
  }
}

/** Backs up into FILE (written beside it first and renamed at the end, so FILE is never half a backup). */
export async function backupToFile(pool: pg.Pool, file: string, opts: { onProgress?: Progress } = {}) {
  if (file === '-') return backup(pool, process.stdout, opts);
  const partial = `${file}.partial`;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    // Sessions and password hashes are inside: readable by the owner only.
    const header = await backup(pool, fs.createWriteStream(partial, { mode: 0o600 }), opts);
    fs.renameSync(partial, file);
    return header;
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  }
}

// ---- reading a backup back

const END_OF_DATA = Buffer.from('\n\\.\n');

/** Reads the sections of a backup from its (uncompressed) bytes, pulling chunks only as fast as they are used. */
class BackupReader {
  private buf: Buffer = Buffer.alloc(0);
  private eof = false;
  constructor(
    private readonly it: AsyncIterator<Buffer>,
    private readonly where: string,
  ) {}

  damaged(why: string) {
    return new BackupFileError(`The backup ${this.where} is damaged or incomplete (${why}).`);
  }

  private async more(): Promise<boolean> {
    if (this.eof) return false;
    const r = await this.it.next();
    if (r.done) {
      this.eof = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  async line(max: number): Promise<string | null> {
    for (;;) {
      const i = this.buf.indexOf(10);
      if (i >= 0) {
        const s = this.buf.subarray(0, i).toString('utf8');
        this.buf = this.buf.subarray(i + 1);
        return s;
      }
      if (this.buf.length > max) throw this.damaged('a section line is far too long');
      if (!(await this.more())) return null;
    }
  }

  /** The COPY rows of the current table, up to (not including) the `\.` line. */
  async *rows(table: string): AsyncGenerator<Buffer> {
    let atStart = true;
    for (;;) {
      if (atStart) {
        if (this.buf.length < 3) {
          if (!(await this.more())) throw this.damaged(`the rows of ${table} are cut short`);
          continue;
        }
        if (this.buf[0] === 0x5c && this.buf[1] === 0x2e && this.buf[2] === 10) {
          this.buf = this.buf.subarray(3);
          return;
        }
        atStart = false;
      }
      const i = this.buf.indexOf(END_OF_DATA);
      if (i >= 0) {
        const last = this.buf.subarray(0, i + 1);
        this.buf = this.buf.subarray(i + END_OF_DATA.length);
        yield last;
        return;
      }
      if (this.buf.length > 3) {
        const part = this.buf.subarray(0, this.buf.length - 3);
        this.buf = this.buf.subarray(this.buf.length - 3);
        yield part;
      }
      if (!(await this.more())) throw this.damaged(`the rows of ${table} are cut short`);
    }
  }

  /** After a failed row: reads on to the end, so a damaged file is reported as such (gzip checks its CRC last). */
  async damage(): Promise<BackupFileError | null> {
    try {
      while (await this.more()) this.buf = Buffer.alloc(0);
      return null;
    } catch (e) {
      return this.damaged(`gzip: ${(e as Error).message}`);
    }
  }

  async atEnd(): Promise<boolean> {
    while (!this.buf.length) if (!(await this.more())) return true;
    return false;
  }
}

function parseHeader(line: string | null, where: string): BackupHeader {
  let h: any;
  try {
    h = line ? JSON.parse(line) : null;
  } catch {
    h = null;
  }
  if (!h || h.format !== BACKUP_FORMAT)
    throw new BackupFileError(`${where} is not a Kefu backup (made with \`kefu backup\`).`);
  if (h.version !== BACKUP_VERSION)
    throw new BackupFileError(
      `${where} is a Kefu backup of format version ${h.version}; this Kefu reads version ${BACKUP_VERSION}.`,
    );
  if (!Array.isArray(h.tables) || !Array.isArray(h.migrations) || !Array.isArray(h.sequences))
    throw new BackupFileError(`The header of ${where} is damaged.`);
  return h as BackupHeader;
}

/** Rows already in the target, table by table. The built-in roles that every start creates do not count. */
export async function targetRows(client: pg.ClientBase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await catalogTables(client)) {
    const builtin = t.name === 'roles' && t.columns.includes('builtin') ? ' where not builtin' : '';
    const r = await client.query<{ n: string }>(`select count(*)::text as n from ${qt(t.name)}${builtin}`);
    if (Number(r.rows[0].n)) out[t.name] = Number(r.rows[0].n);
  }
  return out;
}

/** Tables whose rows only people put in: a Kefu database without any of them has never been used. */
const USED_WHEN = ['users', 'audit_log'];

/**
 * The rows that make the target "not empty". A database Kefu has never touched must have no rows at all (so a
 * wrong DATABASE_URL pointing at another application's database is refused). On a database Kefu has started on
 * (migrated), rows that migrations and the start put in by themselves (built-in roles, default settings) do not
 * count — the restore replaces them with the backup's copy — but any user or audit row does.
 */
export async function blockingRows(client: pg.ClientBase): Promise<Record<string, number>> {
  const rows = await targetRows(client);
  const migrated = await client.query(`select to_regclass('public.kysely_migration') is not null as ok`);
  if (!migrated.rows[0].ok) return rows;
  return Object.fromEntries(Object.entries(rows).filter(([t]) => USED_WHEN.includes(t)));
}

async function assertRestorable(pool: pg.Pool, header: BackupHeader, where: string) {
  const known = new Set(await knownMigrations());
  const newer = header.migrations.filter((m) => !known.has(m));
  if (newer.length)
    throw new BackupFileError(
      `${where} was made by a newer Kefu (its schema has ${newer.join(', ')}): upgrade Kefu, then restore.`,
    );
  if (!header.migrations.length) throw new BackupFileError(`The header of ${where} names no migrations.`);
  const client = await pool.connect();
  try {
    const rows = await blockingRows(client);
    if (Object.keys(rows).length) {
      const what = Object.entries(rows)
        .map(([t, n]) => `${t}: ${n}`)
        .join(', ');
      throw new RestoreTargetNotEmptyError(
        `The target database is not empty (${what}). Restore only into an empty database: create a new one ` +
          '(createdb, or a new KEFU_DATA_DIR) and restore into it. Nothing was changed.',
      );
    }
    const hasMigrations = await client.query(
      `select to_regclass('public.kysely_migration') is not null as ok`,
    );
    if (hasMigrations.rows[0].ok) {
      const inBackup = new Set(header.migrations);
      const ahead = (
        await client.query<{ name: string }>('select name from kysely_migration order by name')
      ).rows.filter((r) => !inBackup.has(r.name));
      if (ahead.length)
        throw new RestoreTargetNotEmptyError(
          `The target database's schema is newer than the backup's (${ahead.map((r) => r.name).join(', ')}). ` +
            'Restore into a new, empty database (createdb); Kefu brings the schema up to date afterwards.',
        );
    }
  } finally {
    client.release();
  }
}

export type RestoreSummary = { tables: number; rows: number; migrationsApplied: string[] };

/**
 * Restores a backup into the empty database behind `db`/`pool`: the schema is brought to the backup's level,
 * the rows are loaded in one transaction (row counts checked, foreign keys checked, user triggers off so the
 * rows come back exactly as they were), sequences set past the restored ids; then later migrations run.
 */
export async function restore(
  target: { db: Database; pool: pg.Pool },
  input: Readable,
  opts: {
    onProgress?: Progress;
    where?: string;
    log?: (m: string) => void;
    /** Tables with at least this many rows get their secondary indexes built after loading (default 20 000). */
    rebuildIndexesFrom?: number;
  } = {},
): Promise<RestoreSummary> {
  const where = opts.where ?? 'file';
  const log = opts.log ?? (() => {});
  const gunzip = zlib.createGunzip();
  // Errors of the file or of gzip (bad CRC, cut short) surface through the iterator of the gunzipped bytes.
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const reader = new BackupReader(gunzip[Symbol.asyncIterator](), where);
  const translate = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && code.startsWith('Z_'))
      return reader.damaged(`gzip: ${(e as Error).message}`);
    return e;
  };
  try {
    const header = parseHeader(await reader.line(64 * 1024 * 1024), where);
    await assertRestorable(target.pool, header, where);
    const applied = await migrateTo(target.db, header.migrations.at(-1)!);
    if (applied.length) log(`schema brought to the backup's level: ${applied.join(', ')}`);
    const total = header.tables.reduce((s, t) => s + t.rows, 0);
    const client = await target.pool.connect();
    let failed = false;
    try {
      await client.query('begin');
      await applySettings(client);
      const tables = new Map((await catalogTables(client)).map((t) => [t.name, t]));
      for (const t of header.tables) {
        const mine = tables.get(t.name);
        if (!mine) throw new BackupFileError(`The backup has a table ${t.name} that this database lacks.`);
        const missing = t.columns.filter((c) => !mine.columns.includes(c));
        if (missing.length)
          throw new BackupFileError(
            `The backup's table ${t.name} has columns this database lacks: ${missing}`,
          );
      }
      const names = header.tables.map((t) => t.name);
      if (names.length) await client.query(`lock table ${names.map(qt).join(', ')} in access exclusive mode`);
      // User triggers (derived rows, audit guards, updated_at stamps) stay off while rows load, so rows come back
      // exactly as they were. Foreign keys stay on; those pointing to a table loaded later are deferred.
      const triggers = await client.query<{ table: string; name: string; enabled: string }>(
        `select c.relname as table, t.tgname as name, t.tgenabled as enabled
           from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and not t.tgisinternal and t.tgenabled <> 'D' and c.relname = any($1)`,
        [names],
      );
      for (const t of triggers.rows)
        await client.query(`alter table ${qt(t.table)} disable trigger ${q(t.name)}`);
      // Rows that migrations and Kefu's start put in by themselves (built-in roles, default settings) are replaced
      // by the backup's own copy of them; the target was checked to hold nothing else.
      if (Object.keys(await blockingRows(client)).length)
        throw new RestoreTargetNotEmptyError(
          'The target database received data while the restore was starting.',
        );
      for (const name of [...names].reverse()) {
        const any = await client.query(`select 1 from ${qt(name)} limit 1`);
        if (any.rowCount) await client.query(`delete from ${qt(name)}`);
      }
      const position = new Map(names.map((n, i) => [n, i]));
      const forward = (await catalogForeignKeys(client)).filter(
        (fk) =>
          position.has(fk.table) &&
          position.has(fk.references) &&
          position.get(fk.references)! > position.get(fk.table)!,
      );
      for (const fk of forward) {
        if (!fk.deferrable)
          await client.query(
            `alter table ${qt(fk.table)} alter constraint ${q(fk.name)} deferrable initially deferred`,
          );
        else await client.query(`set constraints ${q(fk.name)} deferred`);
      }
      // Secondary indexes of big tables are built once after their rows are in, rather than row by row.
      const big = header.tables
        .filter((t) => t.rows >= (opts.rebuildIndexesFrom ?? 20_000))
        .map((t) => t.name);
      const indexes = big.length
        ? (
            await client.query<{ name: string; def: string }>(
              `select i.relname as name, pg_get_indexdef(x.indexrelid) as def
                 from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
                 join pg_namespace n on n.oid = t.relnamespace
                where n.nspname = 'public' and t.relname = any($1) and not x.indisunique
                  and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
                  and not exists (select 1 from pg_depend d where d.refclassid = 'pg_class'::regclass
                                    and d.refobjid = x.indexrelid and d.deptype = 'n')
                order by i.relname`,
              [big],
            )
          ).rows
        : [];
      for (const i of indexes) await client.query(`drop index public.${q(i.name)}`);
      let done = 0;
      for (const t of header.tables) {
        const line = await reader.line(4096);
        if (line === null) throw reader.damaged(`it ends before the rows of ${t.name}`);
        if (line !== `@@table ${t.name}`) throw reader.damaged(`expected the rows of ${t.name}`);
        opts.onProgress?.(done, total, t.name);
        const copy = client.query(
          copyStreams.from(`copy ${qt(t.name)} (${t.columns.map(q).join(', ')}) from stdin`),
        );
        const rows = reader.rows(t.name);
        async function* counted() {
          for await (const chunk of rows) {
            done += countLines(chunk);
            opts.onProgress?.(done, total, t.name);
            yield chunk;
          }
        }
        try {
          await pipeline(Readable.from(counted()), copy);
        } catch (e) {
          const err = translate(e);
          if (err instanceof BackupFileError) throw err;
          // PostgreSQL wrote these rows itself (COPY … TO) at the schema level restored here, so rows it cannot
          // read back (a data exception, class 22: bad syntax, bad COPY format, bad encoding) mean the file was
          // changed — told as damage whether or not the rest of the gzip stream can still be checked.
          const pgCode = (e as { code?: string }).code;
          throw (
            (await reader.damage()) ??
            (typeof pgCode === 'string' && pgCode.startsWith('22')
              ? reader.damaged(`the rows of ${t.name} do not load: ${(e as Error).message}`)
              : new Error(`restoring the rows of ${t.name} failed: ${(e as Error).message}`))
          );
        }
        if (copy.rowCount !== t.rows)
          throw reader.damaged(`${t.name} should have ${t.rows} rows, the file has ${copy.rowCount}`);
      }
      if ((await reader.line(4096)) !== '@@end') throw reader.damaged('its end marker is missing');
      if (!(await reader.atEnd())) throw reader.damaged('there is data after its end marker');
      opts.onProgress?.(total, total, 'checking');
      // The deferred foreign keys are checked now, then put back as they were.
      await client.query('set constraints all immediate');
      for (const fk of forward)
        if (!fk.deferrable)
          await client.query(`alter table ${qt(fk.table)} alter constraint ${q(fk.name)} not deferrable`);
      // (after the deferred checks: an index cannot be built on a table with checks pending)
      opts.onProgress?.(total, total, 'indexing');
      if (indexes.length) await client.query(`set local maintenance_work_mem = '256MB'`);
      for (const i of indexes) await client.query(i.def);
      for (const t of triggers.rows) {
        const how = t.enabled === 'A' ? 'enable always' : t.enabled === 'R' ? 'enable replica' : 'enable';
        await client.query(`alter table ${qt(t.table)} ${how} trigger ${q(t.name)}`);
      }
      await restoreSequences(client, header);
      await client.query('commit');
    } catch (e) {
      failed = true;
      await client.query('rollback').catch(() => {});
      throw translate(e);
    } finally {
      client.release(failed ? true : undefined);
    }
    opts.onProgress?.(total, total, 'done');
    const later = await migrate(target.db, target.pool);
    if (later.length) log(`migrations applied after the restore: ${later.join(', ')}`);
    await syncBuiltinRoles(target.db);
    for (const t of header.tables) await target.pool.query(`analyze ${qt(t.name)}`);
    return { tables: header.tables.length, rows: total, migrationsApplied: later };
  } catch (e) {
    throw translate(e);
  } finally {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  }
}

/** Every sequence continues after the backup's value and after the highest id restored into its column. */
async function restoreSequences(client: pg.ClientBase, header: BackupHeader) {
  const saved = new Map(header.sequences.map((s) => [s.name, s]));
  const seqs = await client.query<{ name: string; table: string | null; column: string | null }>(
    `select s.relname as name, t.relname as table, a.attname as column
       from pg_class s join pg_namespace n on n.oid = s.relnamespace
       left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid
                            and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
       left join pg_class t on t.oid = d.refobjid
       left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and n.nspname = 'public'`,
  );
  for (const s of seqs.rows) {
    let value: bigint | null = null;
    let called = true;
    const b = saved.get(s.name);
    if (b) {
      value = BigInt(b.lastValue);
      called = b.isCalled;
    }
    if (s.table && s.column) {
      const m = await client.query<{ m: string | null }>(
        `select max(${q(s.column)})::text as m from ${qt(s.table)}`,
      );
      const max = m.rows[0].m === null ? null : BigInt(m.rows[0].m);
      if (max !== null && (value === null || max > value || (max === value && !called))) {
        value = max;
        called = true;
      }
    }
    if (value !== null)
      await client.query(`select setval($1::regclass, $2::bigint, $3)`, [qt(s.name), String(value), called]);
  }
}

export async function restoreFromFile(
  target: { db: Database; pool: pg.Pool },
  file: string,
  opts: { onProgress?: Progress; log?: (m: string) => void; rebuildIndexesFrom?: number } = {},
) {
  if (file === '-') return restore(target, process.stdin, { ...opts, where: 'on standard input' });
  if (!fs.existsSync(file)) throw new BackupFileError(`There is no backup file ${file}.`);
  return restore(target, fs.createReadStream(file), { ...opts, where: `file ${file}` });
}

// ---- the command line

/** A progress bar on a terminal, a plain line every few seconds otherwise (cron mails, logs). */
export function progressReporter(verb: string): { onProgress: Progress; stop: () => void } {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  let lastPct = -1;
  let stopped = false;
  return {
    onProgress: (done, total, label) => {
      if (stopped) return;
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: `${verb} [{bar}] {percentage}% {value}/{total} rows  {table}`,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { table: label });
        }
        bar.update(done, { table: label });
        return;
      }
      const now = Date.now();
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (label === 'done' || (pct !== lastPct && now - lastLine >= 2000)) {
        if (label === 'done') stopped = true;
        lastLine = now;
        lastPct = pct;
        process.stderr.write(
          `${verb}: ${done}/${total} rows (${pct}%)${label === 'done' ? '' : ` ${label}`}\n`,
        );
      }
    },
    stop: () => {
      if (!stopped) bar?.stop();
      stopped = true;
    },
  };
}

/** The database `kefu backup` reads: DATABASE_URL, the embedded one a running Kefu serves, or starts it. */
export async function openForBackup(config: Config, log: (m: string) => void) {
  const running = config.databaseUrl ? null : runningEmbeddedUrl(config.dataDir);
  if (config.databaseUrl || running) {
    const pool = createPool(config.databaseUrl ?? running!, 2);
    return { pool, close: () => pool.end() };
  }
  const opened = await openDatabase(config, { log, migrate: false, poolSize: 2 });
  return {
    // The owner reads everything (the app role is refused Kysely's bookkeeping).
    pool: opened.owner.pool,
    // The pool is ended here: Kysely only ends a pool it has used, and the backup reads through the pool directly.
    close: async () => {
      await opened.owner.pool.end().catch(() => {});
      await opened.close();
    },
  };
}

export async function runBackupCommand(config: Config, file: string, say: (m: string) => void) {
  const started = Date.now();
  const db = await openForBackup(config, say);
  const progress = progressReporter('backup');
  try {
    const h = await backupToFile(db.pool, file, { onProgress: progress.onProgress });
    progress.stop();
    const rows = h.tables.reduce((s, t) => s + t.rows, 0);
    const size = file === '-' ? '' : `, ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB`;
    say(
      `backup written to ${file}: ${h.tables.length} tables, ${rows} rows${size}, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    progress.stop();
    await db.close();
  }
}

export async function runRestoreCommand(config: Config, file: string, say: (m: string) => void) {
  const started = Date.now();
  if (file !== '-' && !fs.existsSync(file)) throw new BackupFileError(`There is no backup file ${file}.`);
  const opened = await openDatabase(config, { log: say, migrate: false, poolSize: 2 });
  const progress = progressReporter('restore');
  try {
    // The owner restores: it switches the schema's triggers off while rows load, which the app role cannot.
    const r = await restoreFromFile(opened.owner, file, {
      onProgress: (done, total, label) => {
        progress.onProgress(done, total, label);
        if (label === 'done') progress.stop();
      },
      log: say,
    });
    progress.stop();
    say(
      `restored ${file} into ${opened.embedded ? `the embedded database in ${config.dataDir}` : 'DATABASE_URL'}: ` +
        `${r.tables} tables, ${r.rows} rows, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    progress.stop();
    await opened.close();
  }
}
