// A real Kefu server on a fresh database for API tests, with the demo organisation and helpers to sign in.
import { buildApp, type KefuApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DEMO_PASSWORD, loadDemoOrganisation } from '../demo/foundation.ts';
import { createTestDb, type TestDb } from './db.ts';

export type TestApp = TestDb & {
  app: KefuApp;
  /** Signs in and returns the Cookie header value. */
  login: (username: string, password?: string) => Promise<string>;
  /** Calls the API as a signed-in user (cookie from login) and returns status and parsed body. */
  call: (
    cookie: string | null,
    method: string,
    url: string,
    body?: unknown,
  ) => Promise<{ status: number; body: any }>;
};

export async function createTestApp(
  opts: { demo?: boolean; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const t = await createTestDb();
  if (opts.demo !== false) await loadDemoOrganisation(t.db);
  const config = loadConfig({
    DATABASE_URL: t.url,
    KEFU_LOGIN_RATE_LIMIT: '10000',
    KEFU_LOGIN_ACCOUNT_RATE_LIMIT: '10000',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  // The app runs as the least-privileged app role, as the real server does; fixtures keep the owner's `t.db`.
  const app = await buildApp({ db: t.appDb, config });
  await app.ready();
  const cookies = new Map<string, string>();
  const login = async (username: string, password = DEMO_PASSWORD) => {
    if (password === DEMO_PASSWORD && cookies.has(username)) return cookies.get(username)!;
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const c = res.cookies.find((x) => x.name === 'kefu_session')!;
    const cookie = `kefu_session=${c.value}`;
    if (password === DEMO_PASSWORD) cookies.set(username, cookie);
    return cookie;
  };
  const call = async (cookie: string | null, method: string, url: string, body?: unknown) => {
    const res = await app.inject({
      method: method as any,
      url,
      headers: cookie ? { cookie } : {},
      ...(body !== undefined && { payload: body as any }),
    });
    let parsed: any = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {}
    return { status: res.statusCode, body: parsed };
  };
  return {
    ...t,
    app,
    login,
    call,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}
