// Writing CSV cells that spreadsheet programs open safely: quoted where needed, and formula-looking text escaped
// so that a customer named "=HYPERLINK(…)" stays text (CSV/formula injection).

/** Characters that make Excel, WPS or LibreOffice read a cell as a formula (and their full-width forms). */
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** Prefixes a formula-looking value with ' so it is shown as text. */
export function escapeFormula(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

/** Undoes escapeFormula, so a file we wrote (an error file) imports back to the same values. */
export function unescapeFormula(v: string): string {
  return v.length > 1 && v[0] === "'" && FORMULA_START.test(v.slice(1)) ? v.slice(1) : v;
}

/** One CSV cell: formula-escaped, quoted when it holds a delimiter, quote or line break. */
export function csvCell(v: unknown): string {
  if (v == null) return '';
  const s = escapeFormula(typeof v === 'string' ? v : String(v));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** UTF-8 byte order mark: Excel needs it to open a UTF-8 CSV without garbling Chinese. */
export const UTF8_BOM = '\uFEFF';
