// No visible string reads like code: in every locale file of the three languages, no value equals its key and
// none contains a code-shaped token — `ticket.update`, `birth_date`, a camelCase name like `birthDate`.
// Interpolation placeholders ({{…}}) and a few explicit legitimate things are left out before looking.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = path.dirname(fileURLToPath(import.meta.url));
const LANGS = ['zh-CN', 'zh-TW', 'en'];

/** Removed before looking for code: placeholders, URLs, e-mail addresses, file names/extensions, "e.g."/"i.e.". */
const EXCLUDED = [
  /{{[^}]*}}/g, // i18next interpolation
  /\bhttps?:\/\/\S+/g, // URLs
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g, // e-mail examples
  /[\w-]*\.(csv|xlsx|xls|pdf|png|jpe?g|txt|zip|json)\b/gi, // file names and extensions
  /\b(e\.g|i\.e)\./g, // English abbreviations
];
/** English values that are the same word as their key and are the translation (operators, a pronoun). */
const EN_SAME_AS_KEY = new Set([
  'programs:rule.ops.contains',
  'programs:rule.ops.between',
  'visits:manager.me',
]);

const CODE_SHAPES: Array<[string, RegExp]> = [
  ['dotted code', /\b[a-z]+\.[a-z_]+/],
  ['snake_case', /\b[a-z]+_[a-z0-9_]+\b/],
  ['camelCase', /\b[a-z]+[A-Z][A-Za-z0-9]*\b/],
];

function leaves(obj: unknown, prefix = ''): Array<[string, unknown]> {
  if (obj && typeof obj === 'object' && !Array.isArray(obj))
    return Object.entries(obj).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  return [[prefix, obj]];
}

/** Why a value reads like code (null when it does not). */
function codeShaped(key: string, value: string): string | null {
  const leaf = key.split('.').pop();
  if (value === key || value === leaf) return 'equals its key';
  let text = value;
  for (const re of EXCLUDED) text = text.replace(re, ' ');
  for (const [name, re] of CODE_SHAPES) {
    const m = re.exec(text);
    if (m) return `${name} "${m[0]}"`;
  }
  return null;
}

describe('the check itself', () => {
  it.each([
    ['audit.action', '操作 ticket.update', 'dotted code "ticket.update"'],
    ['rule.field', 'birthDate 小于等于', 'camelCase "birthDate"'],
    ['x.y', '字段 birth_date', 'snake_case "birth_date"'],
    ['rule.ops.lte', 'lte', 'equals its key'],
    ['a.title', 'a.title', 'equals its key'],
  ])('%s = %s is code: %s', (k, v, why) => {
    expect(codeShaped(k, v)).toBe(why);
  });
  it.each([
    ['a', '共 {{count}} 条，{{customer.name}}'],
    ['b', 'See https://example.com/docs.html'],
    ['c', '例如 zhang.san@example.com'],
    ['d', 'Upload a .csv or customers.xlsx file'],
    ['e', 'Action (e.g. a call)'],
  ])('%s = %s is not code', (k, v) => {
    expect(codeShaped(k, v)).toBeNull();
  });
});

describe.each(LANGS)('%s', (lang) => {
  const files = fs.readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json'));
  it.each(files)('%s has no value that reads like code', (file) => {
    const ns = file.slice(0, -5);
    const json = JSON.parse(fs.readFileSync(path.join(dir, lang, file), 'utf8'));
    const bad = leaves(json)
      .filter(([k]) => !(lang === 'en' && EN_SAME_AS_KEY.has(`${ns}:${k}`)))
      .map(([k, v]) => [k, String(v), codeShaped(k, String(v))])
      .filter(([, , why]) => why)
      .map(([k, v, why]) => `${k} = ${JSON.stringify(v)}: ${why}`);
    expect(bad).toEqual([]);
  });
});
