// Normalisers and validators for customer data as people type it (full-width digits, dashes, spaces, +86) —
// shared by the API, the importer and the demo generator so every path stores the same canonical form.

/** Full-width letters/digits/punctuation → ASCII, compatibility forms folded (NFKC), trimmed, spaces collapsed. */
export function normalizeText(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const s = String(raw).normalize('NFKC').replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
}

/**
 * Text of several lines (notes): like normalizeText within each line, but the line breaks stay (CRLF and CR as
 * LF), blank lines at the start and end go. Already-normal text comes back unchanged, so a stored note (a merge
 * survivor's, with the merged customers' notes on lines of their own) exported and imported again is equal.
 */
export function normalizeMultiline(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const s = String(raw)
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return s === '' ? null : s;
}

/** A name as stored and searched: NFKC, single spaces, and no spaces between CJK characters (王 伟 → 王伟). */
export function normalizeName(raw: string | null | undefined): string | null {
  const s = normalizeText(raw);
  if (s == null) return null;
  return s.replace(/(?<=[\p{Script=Han}])\s+(?=[\p{Script=Han}])/gu, '');
}

/** The customer code (account number): NFKC, no whitespace at all. */
export function normalizeCode(raw: string | null | undefined): string | null {
  const s = normalizeText(raw);
  return s == null ? null : s.replace(/\s+/g, '');
}

export function normalizeEmail(raw: string | null | undefined): string | null {
  const s = normalizeText(raw);
  return s == null ? null : s.toLowerCase();
}

/**
 * A phone as digits only: full-width digits folded, spaces, dashes, dots and brackets removed, the mainland
 * prefix (+86, 0086, 86 before a mobile) dropped, any other international prefix written as 00…
 * Returns null for empty input and undefined when something other than a phone remains.
 */
export function normalizePhone(raw: string | null | undefined): string | null | undefined {
  const s = normalizeText(raw);
  if (s == null) return null;
  let t = s.replace(/[\s\-.()（）]/g, '');
  const intl = t.startsWith('+');
  if (intl) t = t.slice(1);
  if (!/^\d+$/.test(t)) return undefined;
  if (intl) t = `00${t}`;
  if (t.startsWith('0086')) t = t.slice(4);
  else if (t.startsWith('86') && t.length === 13 && /^861[3-9]/.test(t)) t = t.slice(2);
  return t;
}

export const isMobile = (digits: string) => /^1[3-9]\d{9}$/.test(digits);

/** A plausible phone after normalisation: mainland mobile, landline with or without area code, service number, or international (00…). */
export function isValidPhone(digits: string): boolean {
  if (digits.startsWith('1')) return isMobile(digits);
  if (digits.startsWith('00')) return /^00[1-9]\d{6,15}$/.test(digits);
  if (digits.startsWith('0')) return /^0\d{9,11}$/.test(digits);
  if (/^(400|800)\d{7}$/.test(digits)) return true;
  if (/^9\d{4,5}$/.test(digits)) return true; // 95588-style service numbers
  return /^[2-9]\d{6,7}$/.test(digits);
}

/** Phone in, { value } or { error } out: the one call an importer or a form handler needs. */
export function parsePhone(raw: string | null | undefined): { value: string | null } | { error: string } {
  const d = normalizePhone(raw);
  if (d === null) return { value: null };
  if (d === undefined || !isValidPhone(d)) return { error: 'PHONE_INVALID' };
  return { value: d };
}

/** ID document numbers: NFKC, no spaces, upper case (the check character x → X). */
export function normalizeIdNumber(raw: string | null | undefined): string | null {
  const s = normalizeText(raw);
  return s == null ? null : s.replace(/[\s-]/g, '').toUpperCase();
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of the first 17 characters of an 18-character ID number (GB 11643-1999). */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

function validDate(y: number, m: number, d: number) {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return (
    dt.getUTCFullYear() === y &&
    dt.getUTCMonth() === m - 1 &&
    dt.getUTCDate() === d &&
    y >= 1900 &&
    dt.getTime() <= Date.now()
  );
}

/**
 * Checks a mainland resident ID number (居民身份证号码): 18 characters with region, birth date and GB 11643 check
 * character, or the old 15-digit form (birth year 19yy, no check character). Returns an error code or null.
 */
export function idCardProblem(id: string): string | null {
  if (/^\d{17}[\dX]$/.test(id)) {
    if (!/^[1-9]/.test(id)) return 'ID_NUMBER_REGION';
    if (!validDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))))
      return 'ID_NUMBER_BIRTH_DATE';
    if (idCardCheckChar(id.slice(0, 17)) !== id[17]) return 'ID_NUMBER_CHECK_DIGIT';
    return null;
  }
  if (/^\d{15}$/.test(id)) {
    if (!/^[1-9]/.test(id)) return 'ID_NUMBER_REGION';
    if (!validDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12))))
      return 'ID_NUMBER_BIRTH_DATE';
    return null;
  }
  return 'ID_NUMBER_FORMAT';
}

/** Birth date (YYYY-MM-DD) and gender encoded in a valid mainland ID number. */
export function idCardInfo(id: string): { birthDate: string; gender: 'male' | 'female' } | null {
  if (idCardProblem(id)) return null;
  const long = id.length === 18;
  const birth = long ? id.slice(6, 14) : `19${id.slice(6, 12)}`;
  const seq = Number(long ? id[16] : id[14]);
  return {
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    gender: seq % 2 === 1 ? 'male' : 'female',
  };
}

/** Checks an ID number for its document type; only mainland ID cards have a checkable structure. */
export function idNumberProblem(idType: string | null | undefined, id: string): string | null {
  if (idType === 'id_card') return idCardProblem(id);
  if (!/^[A-Z0-9()（）]{4,32}$/.test(id)) return 'ID_NUMBER_FORMAT';
  return null;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with a check character. */
export function creditCodeProblem(code: string): string | null {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return 'CREDIT_CODE_FORMAT';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]) * USCC_WEIGHTS[i];
  const c = (31 - (sum % 31)) % 31;
  return USCC_CHARS[c] === code[17] ? null : 'CREDIT_CODE_CHECK_DIGIT';
}

/** Escapes LIKE wildcards so user text matches literally. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/** Search normalisation, the same as the database's generated columns: NFKC, lower case, no spaces between Han. */
export const normalizeQuery = (q: string) => (normalizeName(q) ?? '').toLowerCase();

/** The distinct n-grams of a string (by code point, so CJK characters count as one). */
export function grams(s: string, n: number): string[] {
  const cps = Array.from(s);
  const out = new Set<string>();
  for (let i = 0; i + n <= cps.length; i++) out.add(cps.slice(i, i + n).join(''));
  return [...out];
}
