// Bad input never answers 500 and never writes (issue 9, acceptance 2). For every write route of the served OpenAPI
// document (POST, PUT, PATCH, DELETE — including routes added later) at least 50 bad requests are generated from the
// route's documented schemas with a seeded generator: wrong JSON types per field (booleans, arrays, numeric strings
// for numbers …), missing required fields, unknown fields, NUL characters, lone surrogates, strings over their
// maximum, huge / negative / fractional numbers, impossible dates, options outside an enum, wrong-typed path
// parameters. They are sent as the administrator to URLs whose path parameters name existing records (the
// permission table's request of the route), so the body's validation is really reached. Every answer must be a
// 4xx (never 5xx, never 2xx), every 400 must name a field, and a checksum of every table taken before and after
// the route's requests must be the same.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type $ZodType, safeParse } from 'zod/v4/core';
import { createTestApp, type TestApp } from './app.ts';
import { type CaseRequest, cases, sendCase } from './permission-cases.ts';
import { listRoutes, openApiPath, type RegisteredRoute } from './routes.ts';

/** Tables left out of the checksum, with the reason. Everything else (audit log and job queue included) counts. */
const UNCHECKED: Record<string, string> = {
  'public.sessions':
    'each signed-in call slides its own session (last_seen_at); that is not a write of the request',
  'public.kysely_migration_lock': 'migration bookkeeping, never touched by a request',
};
const PER_ROUTE = 50;

let t: TestApp;
let admin: string;
let doc: any;
let routes: RegisteredRoute[];
let checksumSql: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  doc = (await t.call(null, 'GET', '/api/openapi.json')).body;
  routes = listRoutes(t.app).filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
  const tables = (
    await sql<{ s: string; n: string }>`
      select schemaname as s, tablename as n from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`.execute(t.db)
  ).rows.filter((r) => !UNCHECKED[`${r.s}.${r.n}`]);
  // One statement for all tables: the checksum is taken once before and once after each route's requests.
  checksumSql = tables
    .map(
      (r) =>
        `select '${r.s}.${r.n}' as t, count(*)::text || ':' || coalesce(md5(string_agg(md5(x::text), '' order by md5(x::text))), '') as c from "${r.s}"."${r.n}" x`,
    )
    .join(' union all ');
});
afterAll(async () => t?.close());

async function checksums(): Promise<Map<string, string>> {
  const r = await sql<{ t: string; c: string }>`${sql.raw(checksumSql)}`.execute(t.db);
  return new Map(r.rows.map((x) => [x.t, x.c]));
}

// ---------------------------------------------------------------- the OpenAPI schemas, $refs resolved
const resolve = (s: any, depth = 0): any => {
  if (!s?.$ref || depth > 20) return s;
  const target = s.$ref
    .replace(/^#\//, '')
    .split('/')
    .map((k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((o: any, k: string) => o?.[k], doc);
  return resolve(target, depth + 1);
};
/** The alternatives of a schema (anyOf/oneOf members, allOf merged), each resolved. */
function alternatives(s: any, depth = 0): any[] {
  s = resolve(s);
  if (!s || depth > 10) return [];
  const alts = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  if (alts.length) return alts.flatMap((a) => alternatives(a, depth + 1));
  if (s.allOf?.length)
    return [Object.assign({}, ...s.allOf.map((a: any) => alternatives(a, depth + 1)[0] ?? {}))];
  return [s];
}
function typesOf(s: any): Set<string> {
  const out = new Set<string>();
  const r = resolve(s);
  if (r?.nullable) out.add('null');
  for (const a of alternatives(s)) {
    if (a.nullable) out.add('null');
    if (a.const !== undefined) out.add(a.const === null ? 'null' : typeof a.const);
    if (a.enum) for (const v of a.enum) out.add(v === null ? 'null' : typeof v);
    for (const x of [a.type ?? []].flat()) out.add(x === 'integer' ? 'number' : x);
    if (!a.type && a.const === undefined && !a.enum) out.add('any');
  }
  return out;
}
/** The one object schema of a schema (for recursing into properties), or undefined. */
const objectOf = (s: any) => {
  const objs = alternatives(s).filter((a) => a.type === 'object' || a.properties);
  return objs.length === 1 && !typesOf(s).has('any') ? objs[0] : undefined;
};

/** A value the schema accepts (used where a base request gives none). */
function sample(s: any, depth = 0): unknown {
  const a = alternatives(s).find((x) => x.type !== 'null') ?? resolve(s);
  if (!a || depth > 6) return null;
  if (a.default !== undefined) return a.default;
  if (a.const !== undefined) return a.const;
  if (a.enum?.length) return a.enum[0];
  const type = [a.type].flat()[0];
  if (type === 'string') {
    if (a.format === 'date-time') return '2026-12-01T09:30:00.000Z';
    if (a.format === 'date') return '2026-12-01';
    if (a.format === 'email') return 'fuzz@example.com';
    return 'x'.repeat(Math.max(1, a.minLength ?? 1));
  }
  if (type === 'integer' || type === 'number')
    return Math.max(1, typeof a.minimum === 'number' ? a.minimum : 1);
  if (type === 'boolean') return false;
  if (type === 'array') return Array.from({ length: a.minItems ?? 0 }, () => sample(a.items, depth + 1));
  if (type === 'object' || a.properties) {
    const o: Record<string, unknown> = {};
    for (const k of a.required ?? []) o[k] = sample(a.properties?.[k], depth + 1);
    return o;
  }
  return null;
}

// ---------------------------------------------------------------- the seeded generator
function rngFor(key: string) {
  let h = 2166136261;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];
/** One bad change of a body: set (or, with `remove`, delete) the value at a path. */
type Mutation = { label: string; path: Path; value?: unknown; remove?: boolean };

const clone = (v: unknown) => (v === undefined ? undefined : structuredClone(v));
function applyMutation(body: unknown, m: Mutation): unknown {
  if (m.path.length === 0) return m.value;
  const root: any = clone(body) ?? {};
  let o = root;
  for (const k of m.path.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k];
  }
  const last = m.path[m.path.length - 1];
  if (m.remove) delete o[last];
  else o[last] = m.value;
  return root;
}
const getAt = (body: unknown, path: Path) => path.reduce((o: any, k) => o?.[k], body);

/** Values of the wrong JSON type for a schema: a boolean, a numeric string, an array, an object, null … */
function wrongTypes(s: any, current: unknown): [string, unknown][] {
  const types = typesOf(s);
  if (types.has('any')) return [];
  const out: [string, unknown][] = [];
  if (!types.has('boolean')) out.push(['true', true], ['false', false]);
  if (!types.has('string'))
    out.push(['a numeric string', typeof current === 'number' ? String(current) : '507']);
  if (!types.has('array')) out.push(['an array', [current ?? 507]]);
  if (!types.has('object')) out.push(['an object', { value: current ?? 507 }]);
  if (!types.has('null')) out.push(['null', null]);
  if (!types.has('number')) out.push(['a number', 507]);
  return out;
}

/** Bad values of the right JSON type: text the database cannot store, too long, out of range, not a date … */
function badValues(s: any): [string, unknown][] {
  const types = typesOf(s);
  const alts = alternatives(s).filter((a) => a.type !== 'null');
  const out: [string, unknown][] = [];
  if (types.has('any')) return out;
  const only = alts.length === 1 ? alts[0] : undefined;
  const allEnum = alts.length > 0 && alts.every((a) => a.enum || a.const !== undefined);
  if (types.has('string')) {
    out.push(['a NUL character', 'fuzz\u0000text'], ['a lone surrogate', 'fuzz\ud800text']);
    out.push(['a lone low surrogate', '\udfff']);
    if (allEnum) out.push(['an option not in the enum', 'not-an-option']);
    const strings = alts.filter((a) => a.type === 'string');
    const max = Math.max(...strings.map((a) => (typeof a.maxLength === 'number' ? a.maxLength : -1)));
    if (strings.length && strings.every((a) => typeof a.maxLength === 'number'))
      out.push(['a string over its maximum', 'x'.repeat(max + 1)]);
    if (strings.length && strings.every((a) => (a.minLength ?? 0) > 0 || a.format || a.pattern))
      out.push(['an empty string', '']);
    if (strings.length && strings.every((a) => a.format === 'date-time' || a.format === 'date'))
      out.push(
        ['not a date', 'yesterday'],
        ['an impossible date', '2026-02-30T25:61:00Z'],
        ['a bad day', '2026-13-45'],
      );
    if (strings.length && strings.every((a) => a.format === 'email'))
      out.push(['not an email', 'not-an-email']);
  }
  if (types.has('number') && only) {
    const isInt = only.type === 'integer';
    if (isInt)
      out.push(['a fraction', 1.5], ['a huge number', 1e300], ['beyond a safe integer', 2 ** 53 + 2]);
    const min = typeof only.minimum === 'number' ? only.minimum : undefined;
    const exMin =
      typeof only.exclusiveMinimum === 'number'
        ? only.exclusiveMinimum
        : only.exclusiveMinimum
          ? min
          : undefined;
    const max = typeof only.maximum === 'number' ? only.maximum : undefined;
    if (min !== undefined && min > -1) out.push(['a negative number', -1]);
    if (exMin !== undefined && exMin >= 0) out.push(['zero or less', exMin], ['a negative number', -5]);
    if (min !== undefined && (isInt ? min - 1 : min - 0.5) >= -1e15)
      out.push(['below its minimum', isInt ? min - 1 : min - 0.5]);
    if (max !== undefined && max < 1e15) out.push(['above its maximum', isInt ? max + 1 : max + 0.5]);
    if (max !== undefined) out.push(['a huge number', 1e300]);
  }
  if (types.has('array') && only?.type === 'array') {
    const items = resolve(only.items);
    for (const [label, v] of wrongTypes(items, undefined).slice(0, 3))
      out.push([`an item that is ${label}`, [v]]);
    if (typesOf(items).has('string'))
      out.push(['an item with a NUL', ['a\u0000b']], ['an item with a surrogate', ['\ud83d']]);
    if (typeof only.maxItems === 'number' && only.maxItems < 5000)
      out.push([
        'more items than its maximum',
        Array.from({ length: only.maxItems + 1 }, () => sample(items)),
      ]);
  }
  return out;
}

/** Every bad change of a body: per field (recursing into objects and the first item of arrays), missing, unknown. */
function bodyMutations(schema: any, base: unknown, fields: { path: Path; schema: any }[] = []): Mutation[] {
  const out: Mutation[] = [];
  out.push(
    { label: 'the body is an array', path: [], value: [base] },
    { label: 'the body is a string', path: [], value: 'text' },
    { label: 'the body is a number', path: [], value: 507 },
    { label: 'the body is true', path: [], value: true },
  );
  const walk = (s: any, path: Path, depth: number) => {
    const obj = objectOf(s);
    if (!obj || depth > 3) return;
    const required = new Set<string>(obj.required ?? []);
    for (const [k, ps] of Object.entries<any>(obj.properties ?? {})) {
      const p = [...path, k];
      const current = getAt(base, p);
      fields.push({ path: p, schema: ps });
      for (const [label, v] of [...wrongTypes(ps, current), ...badValues(ps)])
        out.push({ label: `${p.join('.')} is ${label}`, path: p, value: v });
      if (required.has(k) && typeof current !== 'undefined')
        out.push({ label: `${p.join('.')} is missing`, path: p, remove: true });
      if (getAt(base, p) !== undefined && objectOf(ps)) walk(ps, p, depth + 1);
      const arr = alternatives(ps).find((a) => a.type === 'array');
      if (arr && Array.isArray(current) && current.length > 0 && objectOf(arr.items))
        walk(arr.items, [...p, 0], depth + 1);
    }
  };
  walk(schema, [], 0);
  return out;
}

type Probe = { label: string; url: string; body?: unknown; multipart?: CaseRequest };

/** The bad requests of one route: at least PER_ROUTE, deterministic for the route. */
function probesFor(r: RegisteredRoute, base: CaseRequest): Probe[] {
  const op = doc.paths?.[openApiPath(r.url)]?.[r.method.toLowerCase()] ?? {};
  const rand = rngFor(r.key);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const probes: Probe[] = [];
  const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
  const baseBody = base.body ?? (schema ? sample(schema) : undefined);
  // Path parameters of the wrong form, each in turn, the others left naming existing records.
  const values = base.url.split('?')[0].split('/');
  const pattern = r.url.split('/');
  const paramAt = pattern.map((seg, i) => (seg.startsWith(':') ? i : -1)).filter((i) => i >= 0);
  const garbage = [
    'abc',
    '-1',
    '0',
    '1.5',
    '1e3',
    '0x10',
    '+1',
    ' 1',
    '１',
    '%00',
    '%ED%A0%80',
    '99999999999999999999999',
    '9007199254740993',
    'true',
    '[1]',
  ];
  const keep = (p: Probe) => probes.push(p);
  for (const i of paramAt) {
    const s = (op.parameters ?? []).find(
      (p: any) => p.in === 'path' && p.name === pattern[i].slice(1),
    )?.schema;
    if (!typesOf(s).has('number')) continue; // text parameters (a code, a token) have no wrong type
    for (const g of garbage) {
      const segs = [...values];
      segs[i] = g.startsWith('%') ? g : encodeURIComponent(g);
      keep({
        label: `path ${pattern[i]} = ${JSON.stringify(g)}`,
        url: segs.join('/'),
        body: base.file ? undefined : baseBody,
      });
    }
  }
  // Query parameters of the route, if any, of the wrong form.
  for (const p of (op.parameters ?? []).filter((x: any) => x.in === 'query')) {
    const tries = typesOf(p.schema).has('number')
      ? ['abc', '1.5x', '-99999999999999999999', '0x10']
      : ['\u0000', '\ud800'];
    for (const v of tries)
      keep({
        label: `query ${p.name} = ${JSON.stringify(v)}`,
        url: `${base.url}${base.url.includes('?') ? '&' : '?'}${p.name}=${encodeURIComponent(v).replace('%EF%BF%BD', '%ED%A0%80')}`,
        body: base.file ? undefined : baseBody,
      });
  }
  if (base.file) {
    // A multipart upload: the file with wrong-typed text fields, and JSON where a file is expected.
    for (const [k] of Object.entries(base.fields ?? {}))
      for (const v of ['\u0000', 'fuzz\ud800', 'x'.repeat(5000), '-1', 'abc'])
        keep({
          label: `field ${k} = ${JSON.stringify(v).slice(0, 20)}`,
          url: base.url,
          multipart: { ...base, fields: { ...base.fields, [k]: v } },
        });
    for (const v of [{}, { file: 'not a file' }, [1], 'text'])
      keep({ label: `JSON ${JSON.stringify(v)} instead of a file`, url: base.url, body: v });
    return pad(probes, PER_ROUTE, rand, () => ({
      label: 'JSON null instead of a file',
      url: base.url,
      body: { file: null, n: rand() },
    }));
  }
  if (!schema) {
    // A route that takes no body: only its path (and query) can be wrong — more seeded wrong numbers then.
    const numeric = paramAt.filter((i) =>
      typesOf(
        (op.parameters ?? []).find((p: any) => p.in === 'path' && p.name === pattern[i].slice(1))?.schema,
      ).has('number'),
    );
    if (!numeric.length) return probes;
    const wrongNumber = () => {
      const n = Math.floor(rand() * 1e6);
      return pick([
        `-${n + 1}`,
        `${n}.${n % 97}`,
        `${n}abc`,
        `x${n}`,
        `${n}e2`,
        `${'9'.repeat(17 + (n % 20))}`,
        `${n}%20`,
        `%00${n}`,
      ]);
    };
    return pad(probes, PER_ROUTE, rand, () => {
      const i = pick(numeric);
      const segs = [...values];
      segs[i] = wrongNumber();
      return { label: `path ${pattern[i]} = ${JSON.stringify(segs[i])}`, url: segs.join('/') };
    });
  }
  const fields: { path: Path; schema: any }[] = [];
  const muts = bodyMutations(schema, baseBody, fields);
  const missing = muts.filter((m) => m.remove);
  const fieldMuts = muts.filter((m) => m.path.length > 0 && !m.remove);
  for (const m of muts) keep({ label: m.label, url: base.url, body: applyMutation(baseBody, m) });
  // Unknown fields never change the outcome of a bad request (they are ignored: a valid request with one extra
  // field is still valid), nor do keys that try to reach a prototype.
  const bad = [...missing, ...fieldMuts];
  for (const extra of ['unexpected', '__proto__', 'constructor', 'id', 'version', 'branch_id', '']) {
    if (!bad.length) break;
    const m = pick(bad);
    const body: any = applyMutation(baseBody, m);
    if (body && typeof body === 'object' && !Array.isArray(body))
      Object.defineProperty(body, extra, {
        value: { polluted: true },
        enumerable: true,
        configurable: true,
        writable: true,
      });
    keep({ label: `${m.label}, with an unknown field ${JSON.stringify(extra)}`, url: base.url, body });
  }
  if (baseBody && typeof baseBody === 'object' && !Array.isArray(baseBody) && r.method === 'PATCH')
    keep({ label: 'nothing to change but an unknown field', url: base.url, body: { unexpected: 1 } });
  keep({ label: 'an empty body', url: base.url, body: undefined });
  if (Object.keys(resolve(schema)?.required ?? []).length || r.method === 'PATCH')
    keep({ label: 'an empty object', url: base.url, body: {} });
  // Up to PER_ROUTE: seeded wrong values of a random field, or two bad changes at once.
  const randomWrong = (f: { path: Path; schema: any }): [string, unknown] | undefined => {
    const types = typesOf(f.schema);
    if (types.has('any')) return undefined;
    const n = Math.floor(rand() * 1e9);
    const options: [string, unknown][] = [];
    if (!types.has('string')) options.push(['a numeric string', String(n)]);
    if (!types.has('array')) options.push(['an array', [n]]);
    if (!types.has('object')) options.push(['an object', { n }]);
    if (!types.has('boolean')) options.push(['a boolean', n % 2 === 0]);
    if (!types.has('number')) options.push(['a number', n / 7]);
    if (types.has('string')) {
      const at = n % 40;
      options.push(['a NUL character', `${'x'.repeat(at)}\u0000${'y'.repeat(n % 7)}`]);
      options.push(['a lone surrogate', `${'x'.repeat(at)}${String.fromCharCode(0xd800 + (n % 0x800))}`]);
    }
    return options.length ? pick(options) : undefined;
  };
  return pad(probes, PER_ROUTE, rand, () => {
    const f = fields.length ? pick(fields) : undefined;
    const wrong = f && rand() < 0.6 ? randomWrong(f) : undefined;
    if (f && wrong)
      return {
        label: `${f.path.join('.')} is ${wrong[0]} (seeded)`,
        url: base.url,
        body: applyMutation(baseBody, { label: '', path: f.path, value: wrong[1] }),
      };
    const a = pick(bad.length ? bad : muts);
    const b = pick(bad.length ? bad : muts);
    return {
      label: `${a.label}; ${b.label}`,
      url: base.url,
      body: applyMutation(applyMutation(baseBody, a), b),
    };
  });
}

function pad(probes: Probe[], n: number, _rand: () => number, make: () => Probe): Probe[] {
  const seen = new Set(probes.map((p) => `${p.url} ${JSON.stringify(p.body)}`));
  for (let tries = 0; probes.length < n && tries < n * 20; tries++) {
    const p = make();
    const key = `${p.url} ${JSON.stringify(p.body)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    probes.push(p);
  }
  return probes;
}

async function send(r: RegisteredRoute, p: Probe) {
  if (p.multipart) return sendCase(t, admin, r.method, { ...p.multipart, url: p.url });
  return t.call(admin, r.method, p.url, p.body);
}

/** Write routes that take no input at all (no body, query or path parameter), so there is nothing to get wrong. */
const NO_INPUT: Record<string, string> = {
  'POST /api/auth/logout': "ends the caller's own session",
  'POST /api/notifications/read-all': "marks the caller's own notifications read",
  'POST /api/tiers/recompute': "recomputes every customer's tier from the saved rules",
};

describe('bad input to every write route', () => {
  it(`answers ${PER_ROUTE}+ generated bad requests per route with a 4xx naming the field, and writes nothing`, async () => {
    const problems: string[] = [];
    const counts = new Map<string, number>();
    const noInput: string[] = [];
    for (const r of routes) {
      const c = cases.find((x) => x.route === r.key);
      const base: CaseRequest = c?.request
        ? await c.request(t, { role: 'admin', username: 'admin' })
        : { url: r.url };
      const probes = probesFor(r, base);
      counts.set(r.key, probes.length);
      if (probes.length === 0) {
        noInput.push(r.key);
        continue;
      }
      const before = await checksums();
      let next = 0;
      const worker = async () => {
        while (next < probes.length) {
          const p = probes[next++];
          const res = await send(r, p);
          const fields = Object.keys(res.body?.error?.fields ?? {});
          if (res.status >= 500 || res.status < 400)
            problems.push(`${r.key} [${p.label}] → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          else if (res.status === 400 && fields.length === 0)
            problems.push(
              `${r.key} [${p.label}] → 400 without a field: ${JSON.stringify(res.body).slice(0, 200)}`,
            );
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      const after = await checksums();
      const changed = [...before].filter(([k, v]) => after.get(k) !== v).map(([k]) => k);
      if (changed.length) problems.push(`${r.key}: its bad requests changed ${changed.join(', ')}`);
    }
    expect(problems).toEqual([]);
    // Every write route that takes any input got its share; the ones that take none are named here.
    expect(routes.length).toBeGreaterThan(50);
    expect([...counts].filter(([k, n]) => n < PER_ROUTE && !noInput.includes(k))).toEqual([]);
    expect(noInput.sort()).toEqual(Object.keys(NO_INPUT).sort());
  }, 180_000);
});

describe('a PATCH changes only what it names', () => {
  it('fills in no defaults: a field left out of the body is not reset', async () => {
    const problems: string[] = [];
    for (const r of routes.filter((x) => x.method === 'PATCH' && x.schema?.body)) {
      const c = cases.find((x) => x.route === r.key);
      const base = c?.request ? await c.request(t, { role: 'admin', username: 'admin' }) : undefined;
      const body = base?.body && typeof base.body === 'object' ? (base.body as Record<string, unknown>) : {};
      const parsed = safeParse(r.schema!.body as $ZodType, body);
      if (!parsed.success) continue;
      const added = Object.entries(parsed.data as Record<string, unknown>)
        .filter(([k, v]) => v !== undefined && !Object.hasOwn(body, k))
        .map(([k]) => k);
      if (added.length)
        problems.push(`${r.key}: a body without ${added.join(', ')} sets them to their default`);
    }
    expect(problems).toEqual([]);
  });

  it('answers a body holding only its required fields (e.g. the version) with 200 or 400, never 500', async () => {
    const problems: string[] = [];
    for (const r of routes.filter((x) => x.method === 'PATCH' && x.schema?.body)) {
      const c = cases.find((x) => x.route === r.key);
      const base = c?.request ? await c.request(t, { role: 'admin', username: 'admin' }) : { url: r.url };
      const op = doc.paths?.[openApiPath(r.url)]?.patch;
      const schema = resolve(op?.requestBody?.content?.['application/json']?.schema);
      const required: string[] = resolve(schema)?.required ?? [];
      const full = (base.body ?? {}) as Record<string, unknown>;
      const body = Object.fromEntries(required.filter((k) => k in full).map((k) => [k, full[k]]));
      const res = await t.call(admin, 'PATCH', base.url, body);
      const named = Object.keys(res.body?.error?.fields ?? {}).length > 0;
      if (res.status >= 500 || (res.status === 400 && !named))
        problems.push(
          `${r.key} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
        );
    }
    expect(problems).toEqual([]);
  });
});
