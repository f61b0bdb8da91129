// Every namespace exists in all three languages with exactly the same keys, and no value is empty.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = path.dirname(fileURLToPath(import.meta.url));
const LANGS = ['zh-CN', 'zh-TW', 'en'];
const HAN = /\p{Script=Han}/u;

const namespaces = (lang: string) =>
  fs
    .readdirSync(path.join(dir, lang))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
const load = (lang: string, ns: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, lang, `${ns}.json`), 'utf8')) as Record<string, unknown>;

function leaves(obj: unknown, prefix = ''): Array<[string, unknown]> {
  if (obj && typeof obj === 'object' && !Array.isArray(obj))
    return Object.entries(obj).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  return [[prefix, obj]];
}

const all = [...new Set(LANGS.flatMap(namespaces))];

describe('locales', () => {
  it('has the three language folders', () => {
    for (const lang of LANGS) expect(fs.existsSync(path.join(dir, lang)), lang).toBe(true);
  });

  it.each(LANGS)('%s has every namespace file', (lang) => {
    expect(namespaces(lang)).toEqual(all);
  });

  describe.each(all)('namespace %s', (ns) => {
    const byLang = Object.fromEntries(LANGS.map((l) => [l, leaves(load(l, ns))]));

    it('has the same keys in every language', () => {
      const keys = (l: string) => byLang[l].map(([k]) => k).sort();
      expect(keys('zh-TW')).toEqual(keys('zh-CN'));
      expect(keys('en')).toEqual(keys('zh-CN'));
    });

    it.each(LANGS)('%s has no empty or non-string values', (lang) => {
      const bad = byLang[lang].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      expect(bad).toEqual([]);
    });

    it('uses the same {{placeholders}} in every language', () => {
      const vars = (l: string) =>
        Object.fromEntries(
          byLang[l].map(([k, v]) => [k, [...String(v).matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort()]),
        );
      expect(vars('zh-TW')).toEqual(vars('zh-CN'));
      expect(vars('en')).toEqual(vars('zh-CN'));
    });

    it('English has no Chinese characters (except language names)', () => {
      const bad = byLang.en
        .filter(([k, v]) => !k.startsWith('languages.') && HAN.test(String(v)))
        .map(([k]) => k);
      expect(bad).toEqual([]);
    });
  });
});
