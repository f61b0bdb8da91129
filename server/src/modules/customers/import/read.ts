// Reads an import file as rows of text cells, streamed so memory stays bounded whatever the file's size: CSV in
// UTF-8 (with or without BOM) or GB18030/GBK as Chinese spreadsheet programs save it, and XLSX. Within limits
// (file-limits.ts): an XLSX's zip entries are unpacked and counted before exceljs reads it, every record is
// checked for the row count and the cell length.
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import {
  checkXlsx,
  FileFormatError,
  type ReadLimits,
  readLimits,
  recordChecker,
  unpackedTooLarge,
} from './file-limits.ts';

export { FileFormatError } from './file-limits.ts';

/** One record of the file; `line` is its row number as a spreadsheet shows it (the header is row 1). */
export type SourceRow = { line: number; cells: string[] };
export type SourceFormat = 'csv' | 'xlsx';

export function formatOf(fileName: string, head?: Buffer): SourceFormat {
  if (head && head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4)
    return 'xlsx';
  return /\.xlsx$/i.test(fileName) ? 'xlsx' : 'csv';
}

/**
 * Yields the file's records in batches. `onBytes` is told how many bytes of the source were consumed, for progress.
 */
export async function* readRecords(
  source: Readable,
  fileName: string,
  onBytes?: (n: number) => void,
  limits: ReadLimits = readLimits(),
): AsyncGenerator<SourceRow[]> {
  const counted = countBytes(source, onBytes);
  const first = await firstChunk(counted);
  if (!first) return;
  const records =
    formatOf(fileName, first.chunk) === 'xlsx'
      ? readXlsx(first.rest(), limits)
      : readCsv(decodeText(first.chunk, first.rest()));
  const check = recordChecker(limits);
  for await (const batch of records) {
    for (const r of batch) check(r);
    yield batch;
  }
}

async function* countBytes(source: Readable, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    onBytes?.(b.length);
    yield b;
  }
}

/** Takes the first chunk to sniff the format and encoding, and gives back a stream that still starts with it. */
async function firstChunk(it: AsyncGenerator<Buffer>) {
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 64 * 1024) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    parts.push(r.value);
    size += r.value.length;
  }
  if (size === 0) return null;
  const chunk = Buffer.concat(parts);
  return {
    chunk,
    rest: async function* () {
      yield chunk;
      if (!done) yield* it;
    },
  };
}

export type Encoding = 'utf8' | 'gb18030' | 'utf16le';

/** BOM first; else the first chunk decoded as strict UTF-8; else GB18030 (a superset of GBK and GB2312). */
export function detectEncoding(head: Buffer): { encoding: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bom: 2 };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { encoding: 'utf8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

async function* decodeText(head: Buffer, chunks: AsyncGenerator<Buffer>): AsyncGenerator<string> {
  const { encoding, bom } = detectEncoding(head);
  let skip = bom;
  if (encoding === 'utf8') {
    const dec = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    for await (let c of chunks) {
      if (skip) {
        c = c.subarray(skip);
        skip = 0;
      }
      try {
        yield dec.decode(c, { stream: true });
      } catch {
        throw new FileFormatError(
          `The file is not valid UTF-8 near byte ${offset}: save it as UTF-8 or GBK/GB18030 CSV`,
        );
      }
      offset += c.length;
    }
    const tail = dec.decode();
    if (tail) yield tail;
    return;
  }
  const dec = iconv.getDecoder(encoding);
  for await (let c of chunks) {
    if (skip) {
      c = c.subarray(skip);
      skip = 0;
    }
    const s = dec.write(c);
    if (s) yield s;
  }
  const tail = dec.end();
  if (tail) yield tail;
}

/**
 * A streaming RFC 4180 parser: quoted fields may hold commas, quotes ("") and line breaks. Lines without a quote
 * take a fast path (split), which is most lines of a real export. The delimiter (comma, tab or semicolon) is
 * taken from the header line.
 */
export async function* readCsv(text: AsyncIterable<string>): AsyncGenerator<SourceRow[]> {
  let buf = '';
  let line = 0;
  let delim = '';
  let out: SourceRow[] = [];
  let record: string[] | null = null; // a quoted record still open across chunks
  let field = '';
  let inQuotes = false;

  const emit = (cells: string[]) => {
    line++;
    if (cells.length === 1 && cells[0] === '') return; // blank line
    out.push({ line, cells });
  };

  for await (const chunk of text) {
    buf += chunk;
    if (!delim) {
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length < 1 << 20) continue;
      delim = pickDelimiter(buf.slice(0, nl < 0 ? buf.length : nl));
    }
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      if (record === null) {
        const nl = buf.indexOf('\n', pos);
        if (nl < 0) break; // wait for the rest of the line
        let end = nl;
        if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
        const q = buf.indexOf('"', pos);
        if (q < 0 || q > nl) {
          emit(buf.slice(pos, end).split(delim));
          pos = nl + 1;
          continue;
        }
        record = [];
        field = '';
        inQuotes = false;
      }
      // Character-wise parse of a record with quotes, which may span lines and chunks.
      let i = pos;
      let closed = false;
      while (i < n) {
        const c = buf[i];
        if (inQuotes) {
          if (c === '"') {
            if (i + 1 >= n) break; // need the next character to tell "" from a closing quote
            if (buf[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              inQuotes = false;
              i++;
            }
          } else {
            const q = buf.indexOf('"', i);
            if (q < 0) {
              field += buf.slice(i);
              i = n;
            } else {
              field += buf.slice(i, q);
              i = q;
            }
          }
        } else if (c === '"') {
          inQuotes = true;
          i++;
        } else if (c === delim) {
          record.push(field);
          field = '';
          i++;
        } else if (c === '\n') {
          if (field.endsWith('\r')) field = field.slice(0, -1);
          record.push(field);
          emit(record);
          record = null;
          i++;
          closed = true;
          break;
        } else {
          field += c;
          i++;
        }
      }
      pos = i;
      if (!closed) break;
    }
    buf = buf.slice(pos);
    if (out.length >= 1000) {
      yield out;
      out = [];
    }
  }
  // The last record may have no line break after it.
  if (record !== null) {
    if (buf.length) {
      for (const c of buf) {
        if (inQuotes) {
          if (c === '"') inQuotes = false;
          else field += c;
        } else if (c === '"') inQuotes = true;
        else if (c === delim) {
          record.push(field);
          field = '';
        } else field += c;
      }
    }
    record.push(field.replace(/\r$/, ''));
    emit(record);
  } else if (buf.length) {
    const last = buf.replace(/\r$/, '');
    emit(last.includes('"') ? parseLine(last, delim || ',') : last.split(delim || ','));
  }
  if (out.length) yield out;
}

/** Parses one complete line that may hold quotes. */
function parseLine(s: string, delim: string): string[] {
  const cells: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === delim) {
      cells.push(field);
      field = '';
    } else field += c;
  }
  cells.push(field);
  return cells;
}

function pickDelimiter(header: string): string {
  const count = (ch: string) => header.split(ch).length - 1;
  const c = count(',');
  const t = count('\t');
  const s = count(';');
  if (t > c && t >= s) return '\t';
  if (s > c && s > t) return ';';
  return ',';
}

/**
 * The first worksheet of an XLSX workbook, read with exceljs's streaming reader — after the whole (compressed)
 * file was checked within the limits: no more of it is kept in memory than its compressed size.
 */
async function* readXlsx(chunks: AsyncGenerator<Buffer>, limits: ReadLimits): AsyncGenerator<SourceRow[]> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of chunks) {
    size += c.length;
    // A compressed file larger than what it may unpack to is over the limit already.
    if (size > limits.xlsxMaxUncompressedBytes) throw unpackedTooLarge(limits);
    parts.push(c);
  }
  const zip = Buffer.concat(parts);
  parts.length = 0;
  await checkXlsx(zip, limits);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(slices(zip)), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let out: SourceRow[] = [];
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      while (cells.length && cells[cells.length - 1] === '') cells.pop();
      if (cells.length === 0) continue;
      out.push({ line: row.number, cells });
      if (out.length >= 1000) {
        yield out;
        out = [];
      }
    }
    break; // only the first sheet
  }
  if (out.length) yield out;
}

function* slices(b: Buffer, size = 1 << 20) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, Math.min(b.length, i + size));
}

function cellText(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    // Excel dates have no time zone: exceljs gives them as UTC midnight.
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return '';
  }
  return String(v);
}
