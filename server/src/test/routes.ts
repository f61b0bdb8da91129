// Every route of a built app, as registered (collected by the onRoute hook in app.ts), so the OpenAPI, 401,
// validation and permission tests cover each route that exists — including the ones added after these tests.
import type { KefuApp, KefuRoute } from '../app.ts';

export type RegisteredRoute = KefuRoute & {
  /** 'METHOD /url' exactly as registered, e.g. 'PATCH /api/users/:id' — the key of the permission table. */
  key: string;
  /** Names of the path parameters, e.g. ['id']. */
  params: string[];
  /** The route validates a request body. */
  hasBody: boolean;
};

/** The API routes (under /api), without HEAD twins and without the swagger-ui pages under /api/docs. */
export function listRoutes(app: KefuApp): RegisteredRoute[] {
  const seen = new Set<string>();
  const out: RegisteredRoute[] = [];
  for (const r of app.kefu.routes) {
    if (r.method === 'HEAD' || !r.url.startsWith('/api/')) continue;
    if (r.url === '/api/docs' || r.url.startsWith('/api/docs/')) continue;
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      ...r,
      key,
      params: [...r.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]),
      hasBody: !!r.schema?.body,
    });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Fills every path parameter with the same value: fillParams('/api/users/:id', 'abc') → '/api/users/abc'. */
export const fillParams = (url: string, value: string | number) =>
  url.replace(/:([A-Za-z0-9_]+)/g, () => encodeURIComponent(String(value)));

/** Fastify's '/api/users/:id' as the OpenAPI path '/api/users/{id}'. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
