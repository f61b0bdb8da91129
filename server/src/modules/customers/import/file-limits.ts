// Bounded reading of import files (docs/SECURITY.md "Import files"). An XLSX file is a zip archive: a few kilobytes
// can unpack to gigabytes (a "zip bomb"), and one shared string can hold 60 MB that exceljs would keep in memory.
// So before exceljs sees the file, every zip entry is unpacked here — walked the way exceljs's reader (unzipper)
// walks it, local header after local header, so no entry is skipped — and counted: all entries together at most
// KEFU_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES, no run of XML text longer than a cell may be (Excel's own 32 767
// characters, each at most 10 bytes as `&#x10FFFF;`). Then every record, CSV or XLSX, is checked as it is read:
// at most KEFU_IMPORT_MAX_ROWS rows and 32 767 characters a cell. A file over a limit is refused whole.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { formatBytes, uploadLimits } from '../../../platform/files.ts';

/** A file that cannot be read as it is; `code` and `reason` (for `fields.file`) say why. */
export class FileFormatError extends Error {
  constructor(
    message: string,
    readonly code = 'IMPORT_FILE_UNREADABLE',
    readonly reason = 'UNREADABLE',
  ) {
    super(message);
  }
}

/** Excel's own limit of a cell's text. */
export const MAX_CELL_CHARS = 32_767;
/** The longest XML text a cell of MAX_CELL_CHARS can take (every character as a 10-byte reference). */
const MAX_XML_RUN = MAX_CELL_CHARS * 10;
const MAX_ENTRIES = 10_000;

export type ReadLimits = { maxRows: number; xlsxMaxUncompressedBytes: number };
/** The configured limits (config `uploads`). */
export const readLimits = (): ReadLimits => {
  const l = uploadLimits();
  return { maxRows: l.importMaxRows, xlsxMaxUncompressedBytes: l.xlsxMaxUncompressedBytes };
};

const invalid = (why: string) =>
  new FileFormatError(
    `The file is not a readable XLSX workbook (${why})`,
    'IMPORT_FILE_UNREADABLE',
    'XLSX_INVALID',
  );
export const unpackedTooLarge = (limits: ReadLimits) =>
  new FileFormatError(
    `The XLSX file unpacks to more than ${formatBytes(limits.xlsxMaxUncompressedBytes)}`,
    'IMPORT_XLSX_TOO_LARGE',
    'XLSX_UNPACKED_TOO_LARGE',
  );
export const cellTooLong = (line?: number) =>
  new FileFormatError(
    `A cell${line ? ` in row ${line}` : ''} holds more than ${MAX_CELL_CHARS} characters`,
    'IMPORT_CELL_TOO_LONG',
    'CELL_TOO_LONG',
  );
export const tooManyRows = (limits: ReadLimits) =>
  new FileFormatError(
    `The file has more than ${limits.maxRows} rows`,
    'IMPORT_TOO_MANY_ROWS',
    'TOO_MANY_ROWS',
  );

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);

function* slices(b: Buffer, size = 1 << 20) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, Math.min(b.length, i + size));
}

/**
 * Unpacks every entry of an XLSX file (in memory: the compressed file) without keeping what it unpacks, and
 * refuses it when it unpacks beyond the limit or holds a text no cell may hold.
 */
export async function checkXlsx(zip: Buffer, limits: ReadLimits = readLimits()): Promise<void> {
  if (zip.length > limits.xlsxMaxUncompressedBytes) throw unpackedTooLarge(limits);
  let total = 0;
  let run = 0;
  const count = (chunk: Buffer) => {
    total += chunk.length;
    if (total > limits.xlsxMaxUncompressedBytes) throw unpackedTooLarge(limits);
    let i = 0;
    while (i < chunk.length) {
      const lt = chunk.indexOf(0x3c, i); // '<': a tag ends the run of text
      run += (lt < 0 ? chunk.length : lt) - i;
      if (run > MAX_XML_RUN) throw cellTooLong();
      if (lt < 0) break;
      run = 0;
      i = lt + 1;
    }
  };
  let pos = 0;
  let entries = 0;
  // The same walk as unzipper's Parse: local headers in order until the central directory.
  while (pos + 4 <= zip.length) {
    const sig = zip.readUInt32LE(pos);
    if (sig === CENTRAL || sig === END) return;
    if (sig !== LOCAL || pos + 30 > zip.length) throw invalid(`no zip entry at byte ${pos}`);
    if (++entries > MAX_ENTRIES) throw invalid(`more than ${MAX_ENTRIES} entries`);
    const flags = zip.readUInt16LE(pos + 6);
    const method = zip.readUInt16LE(pos + 8);
    const packed = zip.readUInt32LE(pos + 18);
    const unpacked = zip.readUInt32LE(pos + 22);
    const start = pos + 30 + zip.readUInt16LE(pos + 26) + zip.readUInt16LE(pos + 28);
    if (packed === 0xffffffff || unpacked === 0xffffffff) throw invalid('ZIP64 entries');
    if (method !== 0 && method !== 8) throw invalid(`compression method ${method}`);
    let end: number;
    let next: number;
    if (!(flags & 0x08) || packed > 0) {
      end = start + packed;
      next = end;
    } else {
      // Size given after the data: unzipper reads up to the data descriptor's signature.
      end = zip.indexOf(DESCRIPTOR, start);
      if (end < 0) throw invalid('an entry without its data descriptor');
      next = end + 16;
    }
    if (start > zip.length || end > zip.length) throw invalid('cut short');
    const data = zip.subarray(start, end);
    run = 0;
    if (method === 0) for (const s of slices(data)) count(s);
    else {
      let refused: unknown = null;
      try {
        await pipeline(Readable.from(slices(data)), zlib.createInflateRaw(), async (source) => {
          for await (const chunk of source) {
            try {
              count(chunk as Buffer);
            } catch (e) {
              refused = e;
              throw e;
            }
          }
        });
      } catch {
        // Over a limit (the stream is stopped at once) or not inflatable.
        throw refused ?? invalid('a damaged entry');
      }
    }
    pos = next;
  }
}

/** Checks each record as it is read: the row count and each cell's length. */
export function recordChecker(limits: ReadLimits = readLimits()) {
  let rows = 0;
  return (r: { line: number; cells: string[] }) => {
    if (++rows > limits.maxRows) throw tooManyRows(limits);
    for (const c of r.cells) if (c.length > MAX_CELL_CHARS) throw cellTooLong(r.line);
  };
}
