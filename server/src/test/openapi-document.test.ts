// The OpenAPI document as served (GET /api/openapi.json) is one any standard tool takes: two independent validators
// accept it, every reference resolves, operation ids are unique, every operation names declared security schemes
// and tags; it stays within its size budget; and the web app's committed client (web/src/app/api/openapi.json and
// schema.d.ts) is exactly what web/scripts/gen-api.mjs generates from it. No database is needed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileErrors, validate as readmeValidate } from '@readme/openapi-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type KefuApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createDb, createPool } from '../db/index.ts';
import { listRoutes } from './routes.ts';

/**
 * The most the served document may weigh, in bytes (compact JSON). It was 766 KB with every schema inlined and
 * 288 KB once the shared shapes became components (docs/PERFORMANCE.md). A route adds about 1.4 KB; if the budget
 * is reached, name the shapes a new module repeats (`named()` in platform/schemas.ts) before raising it.
 */
const OPENAPI_BUDGET_BYTES = 360_000;

const genApi = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/scripts/gen-api.mjs');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let app: KefuApp;
let pool: ReturnType<typeof createPool>;
let served: string;
let doc: any;

beforeAll(async () => {
  pool = createPool('postgres://nobody@127.0.0.1:1/none', 1);
  app = await buildApp({
    db: createDb(pool),
    config: loadConfig({ ...process.env, DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }),
  });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  served = res.body;
  doc = JSON.parse(served);
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

function operations(d: any): { key: string; op: any }[] {
  const out: { key: string; op: any }[] = [];
  for (const [p, item] of Object.entries<any>(d.paths ?? {}))
    for (const m of METHODS) if (item[m]) out.push({ key: `${m.toUpperCase()} ${p}`, op: item[m] });
  return out;
}

/** What a client generator would trip on, beyond the schema of OpenAPI itself. */
function documentProblems(d: any): string[] {
  const problems: string[] = [];
  const resolve = (ref: string) => {
    if (!ref.startsWith('#/')) return undefined;
    let node = d;
    for (const part of ref.slice(2).split('/')) {
      node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
      if (node === undefined) return undefined;
    }
    return node;
  };
  const walk = (node: any, at: string) => {
    if (Array.isArray(node)) {
      for (const [i, x] of node.entries()) walk(x, `${at}/${i}`);
    } else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string' && resolve(node.$ref) === undefined)
        problems.push(`${at}: unresolved $ref ${node.$ref}`);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    }
  };
  walk(d, '#');

  const schemes = new Set(Object.keys(d.components?.securitySchemes ?? {}));
  const checkSecurity = (security: any, where: string) => {
    if (!Array.isArray(security)) {
      problems.push(`${where}: no security list (public routes say [])`);
      return;
    }
    for (const requirement of security)
      for (const name of Object.keys(requirement))
        if (!schemes.has(name)) problems.push(`${where}: undeclared security scheme ${name}`);
  };
  if (d.security) checkSecurity(d.security, 'document');

  const declaredTags = new Set((d.tags ?? []).map((t: any) => t.name));
  const ids = new Map<string, string>();
  for (const { key, op } of operations(d)) {
    if (!op.operationId) problems.push(`${key}: no operationId`);
    else if (ids.has(op.operationId))
      problems.push(`${key}: operationId ${op.operationId} is also ${ids.get(op.operationId)}'s`);
    else ids.set(op.operationId, key);
    checkSecurity(op.security, key);
    if (!op.tags?.length) problems.push(`${key}: no tags`);
    for (const t of op.tags ?? []) if (!declaredTags.has(t)) problems.push(`${key}: tag ${t} not declared`);
  }
  return problems;
}

describe('the served OpenAPI document', () => {
  it('is valid for @seriousme/openapi-schema-validator', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is valid for @readme/openapi-parser (which also refuses duplicate operation ids)', async () => {
    const result = await readmeValidate(structuredClone(doc));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('resolves every $ref, has unique operation ids, declared security schemes and tags', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(documentProblems(doc)).toEqual([]);
  });

  it('says which routes are public (security: []) and that every other accepts the session cookie', () => {
    const byKey = new Map(operations(doc).map(({ key, op }) => [key, op]));
    const wrong: string[] = [];
    for (const r of listRoutes(app)) {
      const op = byKey.get(`${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      if (!op) continue; // hidden routes: openapi.test.ts decides which may hide
      const sec = JSON.stringify(op.security);
      if (r.public ? sec !== '[]' : !op.security.some((s: any) => 'session' in s))
        wrong.push(`${r.key}: ${sec}`);
    }
    expect(wrong).toEqual([]);
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
  });

  it('names the shared shapes, and the recursive segment rule is a component that refers to itself', () => {
    const schemas = doc.components.schemas;
    for (const name of [
      'Error',
      'Customer',
      'CustomerSummary',
      'Ticket',
      'TicketPage',
      'Task',
      'PageCursor',
      'Ok',
    ])
      expect(schemas, name).toHaveProperty(name);
    expect(JSON.stringify(schemas.SegmentRuleNodeInput)).toContain(
      '#/components/schemas/SegmentRuleNodeInput',
    );
    expect(doc.components.responses.BadRequest.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    // Every component is used by something other than itself: unreferenced ones are left out.
    for (const name of Object.keys(schemas)) {
      const rest = JSON.stringify({
        ...doc,
        components: { ...doc.components, schemas: { ...schemas, [name]: 0 } },
      });
      expect(rest.includes(`"#/components/schemas/${name}"`), `${name} is unused`).toBe(true);
    }
  });

  it(`weighs at most ${OPENAPI_BUDGET_BYTES} bytes as served`, () => {
    expect(Buffer.byteLength(served)).toBeLessThanOrEqual(OPENAPI_BUDGET_BYTES);
  });

  it('is what the web app’s committed client was generated from (npm run gen:api -w web)', async () => {
    const gen = await import(genApi);
    const hint =
      'web/src/app/api is stale: run `npm run gen:api -w web` and commit openapi.json and schema.d.ts';
    expect(fs.readFileSync(gen.outputs.json, 'utf8') === gen.renderJson(doc), hint).toBe(true);
    expect(fs.readFileSync(gen.outputs.types, 'utf8') === (await gen.renderTypes(doc)), hint).toBe(true);
  }, 60_000);
});

describe('the checks catch what they are for', () => {
  const broken = (f: (d: any) => void) => {
    const d = structuredClone(doc);
    f(d);
    return d;
  };
  const me = (d: any) => d.paths['/api/me'].get;

  it('an unresolved $ref fails both validators and the own check', async () => {
    const d = broken((x) => {
      me(x).responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
    });
    expect((await new Validator().validate(structuredClone(d))).valid).toBe(false);
    expect((await readmeValidate(structuredClone(d))).valid).toBe(false);
    expect(documentProblems(d)).toEqual([
      expect.stringContaining('/schema: unresolved $ref #/components/schemas/Nope'),
    ]);
  });

  it('a duplicate operationId fails @readme/openapi-parser and the own check', async () => {
    const d = broken((x) => {
      me(x).operationId = x.paths['/api/health'].get.operationId;
    });
    expect((await readmeValidate(structuredClone(d))).valid).toBe(false);
    expect(documentProblems(d)).toEqual([expect.stringContaining('operationId getHealth is also')]);
  });

  it('an undeclared security scheme, a missing security list or an undeclared tag fails the own check', () => {
    const d = broken((x) => {
      me(x).security = [{ bearer: [] }];
      delete x.paths['/api/health'].get.security;
      me(x).tags = ['nowhere'];
    });
    expect(documentProblems(d).sort()).toEqual([
      'GET /api/health: no security list (public routes say [])',
      'GET /api/me: tag nowhere not declared',
      'GET /api/me: undeclared security scheme bearer',
    ]);
  });
});
