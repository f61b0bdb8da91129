// The one validator of request input (body, query string, path parameters), wrapping zod. It keeps JSON types strict
// and text storable in one place:
// - bodies are JSON and keep their types: `true`, `[507]` or `"507"` is not the id 507 (the schemas use z.number()).
// - query strings and path parameters are text by nature: a well-formed number (`42`, `-1`, `1.5`) becomes a number
//   where the schema wants one; anything else (`0x10`, `1e3`, ` 5`, `abc`) answers 400 naming the parameter.
// - a NUL character (PostgreSQL cannot store it) or a lone UTF-16 surrogate (it would be stored as U+FFFD) in any
//   string, or in a key, answers 400 naming the field by its path (`notes.2.text`).
// - a PATCH whose body names no field it knows (`{}`, or only unknown fields) answers 400 (`body: names nothing to
//   change`) instead of reaching the database with an empty UPDATE; defaults a schema fills in do not count.
import type { FastifySchemaCompiler } from 'fastify';
import { type $ZodType, safeParse } from 'zod/v4/core';

/** Marks an error item so `hasZodFastifySchemaValidationErrors` (the error handler in app.ts) treats it as ours. */
const MARK = Symbol.for('ZodFastifySchemaValidationError');

type Issue = { path: (string | number)[]; message: string; code: string };
const toFastify = (issues: Issue[]) =>
  issues.map((i) => ({
    [MARK]: true,
    keyword: i.code,
    instancePath: `/${i.path.join('/')}`,
    schemaPath: `#/${i.path.join('/')}/${i.code}`,
    message: i.message,
    params: { issue: { path: i.path } },
  }));

/** In unicode mode a pair is one code point, so this matches only a surrogate without its partner. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The path of the first string (or key) holding a NUL or a lone surrogate, with the reason; null if none. */
export function findUnstorableText(value: unknown, path: (string | number)[] = [], depth = 0): Issue | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      return { path, code: 'invalid_string', message: 'must not contain NUL characters' };
    if (LONE_SURROGATE.test(value))
      return { path, code: 'invalid_string', message: 'must not contain lone UTF-16 surrogates' };
    return null;
  }
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const bad = findUnstorableText(k, [...path, k], depth + 1);
    if (bad) return { ...bad, message: `(a key) ${bad.message}` };
    const found = findUnstorableText(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

type Def = { type: string; innerType?: $ZodType; in?: $ZodType; element?: $ZodType; shape?: object };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def: Def } })?._zod?.def;

/** 'number', 'numbers' (an array of them) or undefined: what a query/path field's schema takes, wrappers unwrapped. */
function numericKind(schema: unknown, depth = 0): 'number' | 'numbers' | undefined {
  const def = defOf(schema);
  if (!def || depth > 10) return undefined;
  if (def.type === 'number') return 'number';
  if (def.type === 'array') return numericKind(def.element, depth + 1) === 'number' ? 'numbers' : undefined;
  if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type))
    return numericKind(def.innerType, depth + 1);
  if (def.type === 'pipe') return numericKind(def.in, depth + 1);
  return undefined;
}

/** The numeric fields of an object schema (query string or path parameters). */
function numericFields(schema: unknown): Map<string, 'number' | 'numbers'> {
  const out = new Map<string, 'number' | 'numbers'>();
  let def = defOf(schema);
  while (def && def.type === 'pipe') def = defOf(def.in);
  const shape = def?.type === 'object' ? (def.shape as Record<string, $ZodType>) : undefined;
  for (const [k, s] of Object.entries(shape ?? {})) {
    const kind = numericKind(s);
    if (kind) out.set(k, kind);
  }
  return out;
}

const WELL_FORMED_NUMBER = /^-?\d{1,30}(\.\d{1,30})?$/;

export const validatorCompiler: FastifySchemaCompiler<$ZodType> = ({ schema, httpPart, method }) => {
  const textual = httpPart === 'querystring' || httpPart === 'params';
  const numeric = textual ? numericFields(schema) : new Map();
  const isPatchBody = httpPart === 'body' && method === 'PATCH';
  return (data: unknown) => {
    const bad = findUnstorableText(data);
    if (bad) return { error: toFastify([bad]) as never };
    let input = data;
    if (numeric.size > 0 && input && typeof input === 'object') {
      const issues: Issue[] = [];
      const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
      const convert = (v: unknown, path: (string | number)[]) => {
        if (typeof v !== 'string') return v;
        if (WELL_FORMED_NUMBER.test(v)) return Number(v);
        issues.push({ path, code: 'invalid_type', message: 'must be a number (digits only)' });
        return v;
      };
      for (const [k, kind] of numeric) {
        if (copy[k] === undefined) continue;
        copy[k] =
          kind === 'numbers' ? [copy[k]].flat().map((v, i) => convert(v, [k, i])) : convert(copy[k], [k]);
      }
      if (issues.length > 0) return { error: toFastify(issues) as never };
      input = copy;
    }
    const result = safeParse(schema, input);
    if (result.error)
      return {
        error: toFastify(
          result.error.issues.map((i) => ({
            path: i.path as (string | number)[],
            code: i.code,
            message: i.message,
          })),
        ) as never,
      };
    const value = result.data;
    if (
      isPatchBody &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !Object.entries(value).some(
        ([k, v]) => v !== undefined && input && typeof input === 'object' && Object.hasOwn(input, k),
      )
    )
      return {
        error: toFastify([{ path: [], code: 'custom', message: 'names nothing to change' }]) as never,
      };
    return { value };
  };
};
