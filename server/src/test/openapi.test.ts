// Guarantees every API route keeps, checked for each route that is registered — including routes added later:
// it is described in the OpenAPI document, it refuses callers who are not signed in (unless public), and bad
// input (wrong-typed body, garbage path or query parameters) answers 400, never 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.ts';
import { fillParams, listRoutes, openApiPath, type RegisteredRoute } from './routes.ts';

let t: TestApp;
let routes: RegisteredRoute[];
let doc: any;
let admin: string;

/** Routes left out of the OpenAPI document on purpose (`schema.hide`). Nothing else may hide. */
const HIDDEN = new Set(['GET /api/openapi.json']);

beforeAll(async () => {
  t = await createTestApp();
  routes = listRoutes(t.app);
  admin = await t.login('admin');
  const res = await t.call(null, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => t?.close());

const operation = (r: RegisteredRoute) => doc.paths?.[openApiPath(r.url)]?.[r.method.toLowerCase()];
const deref = (s: any): any =>
  s?.$ref
    ? deref(
        s.$ref
          .split('/')
          .slice(1)
          .reduce((o: any, k: string) => o?.[k], doc),
      )
    : s;
const typesOf = (s: any): Set<string> => {
  s = deref(s);
  const out = new Set<string>();
  if (!s) return out;
  for (const x of [s.type ?? []].flat()) out.add(x);
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) for (const x of typesOf(alt)) out.add(x);
  if (s.nullable) out.add('null');
  return out;
};
/** A value of a JSON type the schema does not accept, or undefined if it accepts anything. */
function wrongValue(s: any): unknown {
  const types = typesOf(s);
  if (types.size === 0) return undefined;
  if (!types.has('object')) return { wrong: true };
  if (!types.has('number') && !types.has('integer')) return 12345.5;
  if (!types.has('string')) return 'not-the-right-type';
  if (!types.has('boolean')) return true;
  return undefined;
}

/** The route's URL with each path parameter set to a value its schema accepts (1, or the minimum). */
function validUrl(r: RegisteredRoute): string {
  const params = new Map<string, any>(
    (operation(r)?.parameters ?? [])
      .filter((p: any) => p.in === 'path')
      .map((p: any) => [p.name, deref(p.schema)]),
  );
  return r.url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const s = params.get(name);
    if (s?.enum?.length) return encodeURIComponent(String(s.enum[0]));
    if (typeof s?.minimum === 'number') return String(Math.max(1, s.minimum + (s.exclusiveMinimum ? 1 : 0)));
    if (typesOf(s).has('string')) return 'a'.repeat(Math.max(1, s?.minLength ?? 1));
    return '1';
  });
}

describe('the OpenAPI document', () => {
  it('finds the routes to check', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map((r) => r.key)).toContain('PATCH /api/users/:id');
    expect(routes.some((r) => r.url.startsWith('/api/docs'))).toBe(false);
    expect(routes.some((r) => r.method === 'HEAD')).toBe(false);
  });

  it('describes every /api route with a summary or tags and a response schema', () => {
    const problems: string[] = [];
    for (const r of routes) {
      if (r.schema?.hide || HIDDEN.has(r.key)) {
        if (!HIDDEN.has(r.key)) problems.push(`${r.key}: hidden from the OpenAPI document`);
        continue;
      }
      const op = operation(r);
      if (!op) {
        problems.push(`${r.key}: not in the document as ${r.method.toLowerCase()} ${openApiPath(r.url)}`);
        continue;
      }
      if (!op.summary && !op.tags?.length) problems.push(`${r.key}: neither summary nor tags`);
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
      if (!ok.some(([, resp]: [string, any]) => Object.values(resp.content ?? {}).some((c: any) => c.schema)))
        problems.push(
          `${r.key}: no schema for its success response (a file download can declare e.g. ` +
            "`200: z.string().describe('the file')` — Buffers and streams are sent without serializing)",
        );
    }
    expect(problems).toEqual([]);
  });

  it('documents no route that does not exist', () => {
    const keys = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const extra: string[] = [];
    for (const [p, ops] of Object.entries<any>(doc.paths ?? {}))
      for (const m of Object.keys(ops))
        if (['get', 'post', 'put', 'patch', 'delete'].includes(m) && !keys.has(`${m} ${p}`))
          extra.push(`${m} ${p}`);
    expect(extra).toEqual([]);
  });

  it('marks public routes as needing no session', () => {
    for (const r of routes.filter((x) => x.public && !HIDDEN.has(x.key)))
      expect(operation(r)?.security, r.key).toEqual([]);
  });
});

type Probe = {
  cookie: string | null;
  method: string;
  url: string;
  body?: unknown;
  /** A description of what is wrong with the answer, or null if it is right. */
  check: (res: { status: number; body: any }) => string | null;
};
/** Sends the probes, eight at a time (they are independent), and returns what went wrong. */
async function run(probes: Probe[]): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const p = probes[next++];
      const res = await t.call(p.cookie, p.method, p.url, p.body);
      const problem = p.check(res);
      if (problem) wrong.push(`${p.method} ${p.url.slice(0, 120)} → ${res.status} ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return wrong.sort();
}
const isValidationError = (res: { status: number; body: any }) =>
  res.status === 400 && res.body?.error?.code === 'VALIDATION_FAILED';

describe('signing in is required', () => {
  it('answers 401 UNAUTHENTICATED to an anonymous call of every non-public route', async () => {
    const probes = routes
      .filter((x) => !x.public)
      .map(
        (r): Probe => ({
          cookie: null,
          method: r.method,
          url: fillParams(r.url, 1),
          body: r.hasBody ? {} : undefined,
          check: (res) =>
            res.status === 401 && res.body?.error?.code === 'UNAUTHENTICATED'
              ? null
              : JSON.stringify(res.body),
        }),
      );
    expect(await run(probes)).toEqual([]);
  }, 120_000);

  it('answers 401 to a forged session cookie as well', async () => {
    const r = routes.find((x) => x.key === 'GET /api/me')!;
    const res = await t.call('kefu_session=forged-token', r.method, r.url);
    expect(res.status).toBe(401);
  });

  it('the public routes answer without a session', async () => {
    expect((await t.call(null, 'GET', '/api/health')).status).toBe(200);
    expect((await t.call(null, 'GET', '/api/docs/')).status).toBeLessThan(400);
  });
});

describe('bad input answers 400, never 500', () => {
  it('refuses a JSON array as the body of every route that takes a body', async () => {
    const probes = routes
      .filter((x) => x.hasBody)
      .map(
        (r): Probe => ({
          cookie: admin,
          method: r.method,
          url: validUrl(r),
          body: [1, 2, 3],
          check: (res) =>
            isValidationError(res) && Object.keys(res.body.error.fields ?? {}).length > 0
              ? null
              : JSON.stringify(res.body),
        }),
      );
    expect(await run(probes)).toEqual([]);
  }, 120_000);

  it('refuses a body whose every property has the wrong type, naming a field', async () => {
    const probes: Probe[] = [];
    for (const r of routes.filter((x) => x.hasBody)) {
      const schema = deref(operation(r)?.requestBody?.content?.['application/json']?.schema);
      const props: Record<string, unknown> = deref(schema)?.properties ?? {};
      const body: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(props)) {
        const v = wrongValue(s);
        if (v !== undefined) body[k] = v;
      }
      if (Object.keys(body).length === 0) continue;
      probes.push({
        cookie: admin,
        method: r.method,
        url: validUrl(r),
        body,
        check: (res) => {
          const fields = Object.keys(res.body?.error?.fields ?? {});
          const namesField = fields.some((f) => Object.hasOwn(body, f.split('.')[0]));
          return isValidationError(res) && namesField
            ? null
            : `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`;
        },
      });
    }
    expect(await run(probes)).toEqual([]);
  }, 120_000);

  it('refuses garbage path parameters', async () => {
    const garbage = ['abc', '-1', '0', '1.5', '99999999999999999999999'];
    const probes: Probe[] = [];
    for (const r of routes.filter((x) => x.params.length > 0)) {
      const pathParams = (operation(r)?.parameters ?? []).filter((p: any) => p.in === 'path');
      const numeric = pathParams.length > 0 && pathParams.every((p: any) => typesOf(p.schema).has('integer'));
      for (const g of garbage)
        probes.push({
          cookie: admin,
          method: r.method,
          url: fillParams(r.url, g),
          body: r.hasBody ? {} : undefined,
          check: (res) =>
            (numeric ? isValidationError(res) : res.status < 500) ? null : JSON.stringify(res.body),
        });
    }
    expect(await run(probes)).toEqual([]);
  }, 120_000);

  it('refuses garbage query parameters and never fails on odd text', async () => {
    const cursors = [
      '%%%',
      Buffer.from('["x","y"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ];
    const probes: Probe[] = [];
    for (const r of routes.filter((x) => x.method === 'GET' && !x.public)) {
      for (const p of (operation(r)?.parameters ?? []).filter((x: any) => x.in === 'query')) {
        const s = deref(p.schema);
        const types = typesOf(s);
        const tries: [string, boolean][] = []; // value, must be 400
        if (types.has('integer') || types.has('number'))
          tries.push(['abc', true], ['-99999999999999999999', true]);
        else if (s?.enum) tries.push(['not-an-option', true]);
        else if (s?.format === 'date-time') tries.push(['yesterday', true]);
        else if (types.has('string')) {
          tries.push(['\u0000', false], ['x'.repeat(5000), false], ["'; drop table users; --", false]);
          if (p.name === 'cursor') for (const c of cursors) tries.push([c, false]);
        }
        for (const [v, must400] of tries)
          probes.push({
            cookie: admin,
            method: 'GET',
            url: `${validUrl(r)}?${p.name}=${encodeURIComponent(v)}`,
            check: (res) =>
              res.status >= 500 || (must400 && res.status !== 400) ? JSON.stringify(res.body) : null,
          });
      }
    }
    expect(await run(probes)).toEqual([]);
  }, 120_000);

  it('answers text the database cannot store with 400', async () => {
    const res = await t.call(admin, 'PATCH', '/api/me', { displayName: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect((await t.call(admin, 'GET', '/api/me')).body.displayName).not.toContain('\u0000');
  });

  it('answers malformed JSON and a wrong content type with 4xx', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(bad.statusCode).toBe(400);
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'username=admin',
    });
    expect(text.statusCode).toBeGreaterThanOrEqual(400);
    expect(text.statusCode).toBeLessThan(500);
  });
});
