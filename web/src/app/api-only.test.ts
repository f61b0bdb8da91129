// Every write route of the OpenAPI is called from some screen of the web app, or is listed in `api-only.ts`:
// API-only with a reason, or a screen still to build (that list may only shrink).
import { describe, expect, it } from 'vitest';
import spec from './api/openapi.json';
import { API_ONLY, NO_SCREEN_YET } from './api-only';
import { findWriteCalls, judge, writeRoutes } from './reach';

const sources = import.meta.glob<string>(
  ['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!./api/schema.d.ts'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
);

describe('the detector', () => {
  const files = {
    'lib.ts': `
      import { api } from './client';
      export async function uploadForm(url: string, form: FormData) {
        return fetch(url, { method: 'POST', body: form });
      }
      export async function download(url: string, init?: RequestInit) {
        return fetch(url, { credentials: 'same-origin', ...init });
      }
      export const send = (u: string) => uploadForm(u, new FormData());
      export const removeB = (id: number) => api.DELETE('/api/b/{id}', { params: { path: { id } } });
      export const addC = () => api.POST('/api/c');
    `,
    'Screen.tsx': `
      import { api, call } from './client';
      import { addC, download, send, uploadForm } from './lib';
      type Path = '/api/a' | '/api/b';
      export default function Screen({ path }: { path: Path }) {
        const id = 1;
        call(api.POST(path, { body: {} }));
        call(api.PATCH(\`\${path}/{id}\`, { params: { path: { id } } }));
        call(api.GET('/api/a'));
        fetch(\`/api/files/\${id}?x=1\`, { method: 'put' });
        fetch('/api/files', { credentials: 'same-origin' });
        uploadForm('/api/uploads', new FormData());
        download('/api/export', { method: 'POST' });
        download('/api/export-get', undefined);
        send('/api/nested');
        addC();
        fetch(\`/api/d/\${id}/\${id > 0 ? 'on' : 'off'}\`, { method: 'POST' });
        return <button onClick={() => fetch('/api/nope', { method: 'POST' })} />;
      }
    `,
    // The typed client's form upload: its path is a type parameter, passed on to api.POST cast.
    'client.ts': `
      export function postForm<P extends PostPath>(path: P, form: FormData, ...params: [Params<P>]) {
        return call(api.POST(path as never, { params: { path: params[0] }, body: form } as never));
      }
    `,
    'Upload.tsx': `
      import { postForm } from './client';
      export default function Upload({ id }: { id: number }) {
        return <button onClick={() => postForm('/api/forms/{id}', new FormData(), { id })} />;
      }
    `,
  };
  const routes = writeRoutes({
    paths: {
      '/api/a': { get: {}, post: {} },
      '/api/a/{id}': { patch: {} },
      '/api/b': { post: {} },
      '/api/b/{id}': { patch: {}, delete: {} },
      '/api/files/{name}': { put: {} },
      '/api/uploads': { post: {} },
      '/api/export': { post: {} },
      '/api/export-get': { post: {} },
      '/api/nested': { post: {} },
      '/api/c': { post: {} },
      '/api/d/{id}/on': { post: {} },
      '/api/d/{id}/off': { post: {} },
      '/api/forms/{id}': { post: {} },
    },
  });
  const calls = findWriteCalls(files);

  it('finds the typed client, fetch, wrappers of any depth, literal-typed and conditional paths; no reads', () => {
    expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(
      [
        'PATCH /api/a/{id}',
        'PATCH /api/b/{id}',
        'POST /api/a',
        'POST /api/b',
        'POST /api/c',
        'POST /api/d/{}/off',
        'POST /api/d/{}/on',
        'POST /api/export',
        'POST /api/forms/{id}',
        'POST /api/nested',
        'POST /api/nope',
        'POST /api/uploads',
        'PUT /api/files/{}?x=1',
      ].sort(),
    );
    expect(calls.find((c) => c.path === '/api/uploads')).toMatchObject({ file: 'Screen.tsx', line: 12 });
  });

  it('fails on an unreached route (a GET of it or an unused export do not count) and on a call the API lacks', () => {
    expect(judge(routes, calls, {}, {}).problems).toEqual([
      'DELETE /api/b/{id} is reached from no screen: call it from one, or mark it API-only with a reason',
      'POST /api/export-get is reached from no screen: call it from one, or mark it API-only with a reason',
      'Screen.tsx:18 calls POST /api/nope, which the API does not have',
    ]);
  });

  it('passes with the lists, and keeps them honest', () => {
    const ok = calls.filter((c) => c.path !== '/api/nope');
    expect(
      judge(routes, ok, { 'POST /api/export-get': 'a feed' }, { 'DELETE /api/b/{id}': 'to build' }).problems,
    ).toEqual([]);
    expect(
      judge(
        routes,
        ok,
        { 'POST /api/export-get': 'a feed', 'POST /api/c': 'x', 'GET /api/a': 'y' },
        { 'DELETE /api/b/{id}': ' ', 'POST /api/a': 'to build', 'POST /api/export-get': 'z' },
      ).problems,
    ).toEqual([
      'POST /api/a now has a screen (Screen.tsx:7): remove it from NO_SCREEN_YET',
      'POST /api/export-get is in both API_ONLY and NO_SCREEN_YET',
      'POST /api/c is marked API-only but lib.ts:11 calls it',
      'API_ONLY names GET /api/a, which is no write route of the API',
      'NO_SCREEN_YET gives no reason for DELETE /api/b/{id}',
    ]);
  });
});

describe('the web app', () => {
  const routes = writeRoutes(spec as unknown as Parameters<typeof writeRoutes>[0]);
  const verdict = judge(routes, findWriteCalls(sources), API_ONLY, NO_SCREEN_YET);

  it('reads the sources and the document', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(Object.keys(routes).length).toBeGreaterThan(50);
    expect(verdict.reached['POST /api/tickets/{id}/messages']).toBeDefined();
  });

  it('sees the uploads and the export that go through the typed client helpers', () => {
    for (const r of [
      'POST /api/metrics/import',
      'POST /api/customers/import/uploads',
      'POST /api/customers/{id}/attachments',
      'POST /api/tickets/{id}/attachments',
      'POST /api/customers/export',
    ])
      expect(verdict.reached[r], r).toBeDefined();
  });

  it('reaches every write route of the OpenAPI from a screen, or lists it in api-only.ts with a reason', () => {
    const todo = Object.keys(NO_SCREEN_YET);
    console.info(
      `write routes with no screen yet (${todo.length}; this list may only shrink):\n  ${todo.join('\n  ')}`,
    );
    expect(verdict.problems).toEqual([]);
  });
});
