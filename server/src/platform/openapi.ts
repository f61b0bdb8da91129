// The OpenAPI document (`GET /api/openapi.json`): how the route schemas become a valid, compact document a client
// generator turns into readable types.
//
// - A zod schema registered with an id (`.meta({ id: 'Ticket' })`, see `named()` in schemas.ts) is emitted once under
//   `components.schemas` and referenced everywhere else; used in a request it is `<id>Input`. Recursive schemas
//   (the segment rule tree) MUST be registered, or they have no definition to point at.
// - Error answers are `$ref`s to `components.responses` (one per status), not a copy of the envelope per route.
// - Every operation gets a stable `operationId` (from method and path, unless the route sets one), tags, and says
//   which security schemes it accepts (`security: []` for public routes).
// - Components nobody references are left out; `$ref`s with sibling keywords are wrapped in `allOf` (OpenAPI 3.0
//   ignores siblings of a `$ref`, so `nullable` would otherwise be lost).
import type { SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from './auth.ts';

export const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The session cookie set by `POST /api/auth/login`.',
  },
} as const;

/** What every signed-in route accepts. When API tokens exist, declare a bearer scheme above and add it here. */
export const SIGNED_IN: Record<string, string[]>[] = [{ session: [] }];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `GET /api/customers/{id}/tickets` → `getCustomersByIdTickets`. Stable: it changes only with the route. */
export function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => {
      const param = /^\{(.+)\}$/.exec(seg);
      return param ? ['by', ...param[1].split(/[^A-Za-z0-9]+/)] : seg.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** Names of the shared error answers, by status (components.responses). */
const ERROR_RESPONSES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthenticated',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '410': 'Gone',
  '413': 'TooLarge',
  '422': 'Unprocessable',
  '423': 'Locked',
  '429': 'RateLimited',
};
const ERROR_DESCRIPTIONS: Record<string, string> = {
  BadRequest: 'The input is invalid: `error.fields` names each field and what is wrong with it.',
  Unauthenticated: 'Not signed in, or the session has ended.',
  Forbidden: 'The caller lacks the permission.',
  NotFound: 'No such record (or it belongs to a branch outside the caller’s scope).',
  Conflict: 'The record changed meanwhile, or the change conflicts with its state.',
  Gone: 'The record no longer accepts this.',
  TooLarge: 'The request is too large.',
  Unprocessable: 'The request cannot be processed.',
  Locked: 'The account is locked.',
  RateLimited: 'Too many requests; try again later.',
};
const ERROR_REF = '#/components/schemas/Error';

type Json = any;

function walk(node: Json, fn: (n: Record<string, Json>) => void) {
  if (Array.isArray(node)) for (const x of node) walk(x, fn);
  else if (node && typeof node === 'object') {
    fn(node);
    for (const v of Object.values(node)) walk(v, fn);
  }
}

/** OpenAPI 3.0 ignores keywords beside a `$ref`: `{ $ref, nullable: true }` → `{ allOf: [{ $ref }], nullable: true }`. */
function wrapRefSiblings(node: Json): Json {
  if (Array.isArray(node)) return node.map(wrapRefSiblings);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) out[k] = wrapRefSiblings(v);
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { allOf: [{ $ref }], ...rest };
  }
  return out;
}

/** The error answer as `#/components/responses/<Name>` when it is the plain error envelope. */
function errorResponse(status: string, resp: Json, used: Set<string>): Json {
  const name = ERROR_RESPONSES[status];
  const content = resp?.content;
  if (!name || !content || Object.keys(content).length !== 1) return resp;
  if (content['application/json']?.schema?.$ref !== ERROR_REF) return resp;
  if (resp.description && resp.description !== 'Default Response') return resp;
  used.add(name);
  return { $ref: `#/components/responses/${name}` };
}

/** `transformObject` of @fastify/swagger: the zod components, then the post-processing described at the top. */
export const transformObject: SwaggerTransformObject = (input) => {
  const doc: Json = jsonSchemaTransformObject(input);
  const usedResponses = new Set<string>();
  const tags = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.operationId ??= operationId(method, path);
      op.security ??= SIGNED_IN;
      for (const t of op.tags ?? []) tags.add(t);
      for (const [status, resp] of Object.entries<Json>(op.responses ?? {}))
        op.responses[status] = errorResponse(status, resp, usedResponses);
    }
  }
  const responses: Record<string, Json> = { ...doc.components?.responses };
  for (const name of [...usedResponses].sort())
    responses[name] = {
      description: ERROR_DESCRIPTIONS[name],
      content: { 'application/json': { schema: { $ref: ERROR_REF } } },
    };

  const paths = wrapRefSiblings(doc.paths ?? {});
  const allSchemas: Record<string, Json> = wrapRefSiblings(doc.components?.schemas ?? {});
  // Keep only the schemas reachable from the operations and the shared responses.
  const keep = new Set<string>();
  const visit = (node: Json) =>
    walk(node, (n) => {
      const m = typeof n.$ref === 'string' && /^#\/components\/schemas\/(.+)$/.exec(n.$ref);
      if (m && !keep.has(m[1]) && allSchemas[m[1]]) {
        keep.add(m[1]);
        visit(allSchemas[m[1]]);
      }
    });
  visit(paths);
  visit(responses);
  const schemas = Object.fromEntries([...keep].sort().map((name) => [name, allSchemas[name]]));

  return {
    ...doc,
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: { ...doc.components, securitySchemes: SECURITY_SCHEMES, responses, schemas },
  };
};
