// The one API client of the web app, typed from the server's OpenAPI document (`npm run gen:api`).
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths } from './schema';
/** A named shape of the API (`components.schemas`), e.g. `Schema<'Ticket'>`; `<Name>Input` where it is sent. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/** What the server answers on failure: `{error:{code,message,fields}}`; `NETWORK` when it could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when any request (other than signing in) answers 401: the session is gone. */
export function onUnauthorized(fn: Listener) {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

const sessionWatch: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/login')) {
      for (const fn of unauthorizedListeners) fn();
    }
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  credentials: 'same-origin',
});
api.use(sessionWatch);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Awaits an `api.GET/POST/…` call and returns its answer, or throws an `ApiError` carrying the server's code. */
async function settle<T>(request: Promise<Result<T>>): Promise<{ data: T; response: Response }> {
  let r: Result<T>;
  try {
    r = await request;
  } catch (e) {
    throw new ApiError('NETWORK', 0, e instanceof Error ? e.message : String(e));
  }
  if (r.response.ok) return { data: r.data as T, response: r.response };
  const body = (r.error ?? {}) as { error?: Partial<Omit<ApiError, 'status'>> };
  const e = body.error ?? {};
  throw new ApiError(
    e.code ?? `HTTP_${r.response.status}`,
    r.response.status,
    e.message ?? r.response.statusText,
    (e.fields as Record<string, string>) ?? {},
    (e.details as Record<string, unknown>) ?? {},
  );
}

/** Awaits an `api.GET/POST/…` call and returns its data, or throws an `ApiError` carrying the server's code. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  return (await settle(request)).data;
}

type PostPath = {
  [P in keyof paths]: paths[P] extends { post: { responses: unknown } } ? P : never;
}[keyof paths];
type PostPathParams<P extends PostPath> = paths[P]['post'] extends { parameters: { path: infer X } }
  ? X
  : never;

/**
 * Sends a multipart form (a file upload) to a POST route through the typed client: the path and its path
 * parameters are checked against the API, the answer is typed. (The API describes these bodies as multipart,
 * which the typed `body` cannot carry; the client passes a `FormData` on as it is.)
 */
export function postForm<P extends PostPath>(
  path: P,
  form: FormData,
  ...pathParams: [PostPathParams<P>] extends [never] ? [] : [PostPathParams<P>]
): Promise<ApiData<P, 'post'>> {
  const init = { params: { path: pathParams[0] }, body: form };
  return call(api.POST(path as never, init as never)) as Promise<ApiData<P, 'post'>>;
}

/** Saves the file an `api.GET/POST(…, { parseAs: 'blob' })` answer carries, under the name the server gives. */
export async function saveFile(request: Promise<Result<Blob>>, fallbackName = 'download') {
  const { data, response } = await settle(request);
  const cd = response.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) ?? /filename="?([^";]+)"?/i.exec(cd);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(data);
  a.download = m ? decodeURIComponent(m[1]) : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The JSON body type of a 200 answer, e.g. `ApiData<'/api/users/{id}', 'get'>`. */
export type ApiData<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer R } } };
}
  ? R
  : never;
/** The JSON request body type, e.g. `ApiBody<'/api/users', 'post'>`. */
export type ApiBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
