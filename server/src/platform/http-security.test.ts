// Headers as docs/SECURITY.md says (frame-ancestors 'none', HSTS only on https behind a trusted proxy, a
// Permissions-Policy), a health check that tells strangers no versions, and a request log without public tokens.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type KefuApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DEMO_PASSWORD, loadDemoOrganisation } from '../demo/foundation.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { redactUrl } from './log.ts';

let t: TestDb;
let plain: KefuApp;
let proxied: KefuApp;
let logged: KefuApp;
const lines: string[] = [];

const config = (env: Record<string, string> = {}) =>
  loadConfig({ DATABASE_URL: t.url, KEFU_LOGIN_RATE_LIMIT: '10000', LOG_LEVEL: 'silent', ...env });

beforeAll(async () => {
  t = await createTestDb();
  await loadDemoOrganisation(t.db);
  plain = await buildApp({ db: t.db, config: config() });
  proxied = await buildApp({ db: t.db, config: config({ KEFU_TRUST_PROXY: 'true' }) });
  logged = await buildApp({
    db: t.db,
    config: config(),
    logger: { level: 'info', stream: { write: (s: string) => lines.push(s) } },
  });
  await Promise.all([plain.ready(), proxied.ready(), logged.ready()]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), proxied?.close(), logged?.close()]);
  await t?.close();
});

describe('security headers', () => {
  it("forbids framing (frame-ancestors 'none', X-Frame-Options DENY) on the API and the web app", async () => {
    for (const url of ['/api/health', '/api/me', '/', '/customers/1']) {
      const res = await plain.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain("frame-ancestors 'self'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
  });

  it('sends a Permissions-Policy: the location for self (visit check-in), no camera, microphone or payment', async () => {
    const res = await plain.inject({ method: 'GET', url: '/api/health' });
    const pp = String(res.headers['permissions-policy']);
    expect(pp).toContain('geolocation=(self)');
    for (const f of ['camera', 'microphone', 'payment', 'usb', 'display-capture'])
      expect(pp).toContain(`${f}=()`);
    // Also on errors.
    const err = await plain.inject({ method: 'GET', url: '/api/no-such-route' });
    expect(err.headers['permissions-policy']).toBe(pp);
  });

  it('sends HSTS only over https behind a trusted proxy (KEFU_TRUST_PROXY)', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    expect((await plain.inject({ method: 'GET', url: '/api/health' })).headers).not.toHaveProperty(
      'strict-transport-security',
    );
    // Without KEFU_TRUST_PROXY a forwarded header is anyone's to send: no HSTS.
    expect(
      (await plain.inject({ method: 'GET', url: '/api/health', headers: https })).headers,
    ).not.toHaveProperty('strict-transport-security');
    expect((await proxied.inject({ method: 'GET', url: '/api/health' })).headers).not.toHaveProperty(
      'strict-transport-security',
    );
    const res = await proxied.inject({ method: 'GET', url: '/api/health', headers: https });
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=31536000; includeSubDomains$/);
  });
});

describe('health', () => {
  it('tells an anonymous caller no version, a signed-in user the database version', async () => {
    const { rows } = await (await import('kysely')).sql<{
      v: string;
    }>`select current_setting('server_version') as v`.execute(t.db);
    const version = rows[0].v;
    const anon = await plain.inject({ method: 'GET', url: '/api/health' });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).toEqual({ status: 'ok', database: { ok: true, latencyMs: expect.any(Number) } });
    expect(anon.body).not.toContain(version);
    expect(anon.body).not.toMatch(/version/i);
    const login = await plain.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: DEMO_PASSWORD },
    });
    const c = login.cookies.find((x) => x.name === 'kefu_session')!;
    const signedIn = await plain.inject({
      method: 'GET',
      url: '/api/health',
      headers: { cookie: `kefu_session=${c.value}` },
    });
    expect(signedIn.json().database.version).toBe(version);
  });
});

describe('the request log', () => {
  it('holds no public token from a URL path or query', async () => {
    const noticeToken = randomBytes(24).toString('base64url');
    const ratingToken = `42.${randomBytes(16).toString('base64url')}.1893456000.${randomBytes(32).toString('base64url')}`;
    const other = randomBytes(12).toString('hex');
    const urls = [
      `/api/notices/confirm/${noticeToken}`,
      `/api/public/ratings/${encodeURIComponent(ratingToken)}`,
      `/rate/${encodeURIComponent(ratingToken)}`,
      `/api/customers?token=${other}`,
      `/api/notices/confirm/${noticeToken}?utm=sms`,
    ];
    lines.length = 0;
    for (const url of urls) await logged.inject({ method: 'GET', url });
    await logged.inject({
      method: 'POST',
      url: `/api/notices/confirm/${noticeToken}`,
      payload: { csrf: 'x'.repeat(20) },
    });
    const log = lines.join('');
    expect(log).toContain('incoming request');
    expect(log).toContain('/api/notices/confirm/[redacted]');
    expect(log).toContain('/api/public/ratings/[redacted]');
    for (const secret of [noticeToken, ratingToken, encodeURIComponent(ratingToken), other])
      expect(log).not.toContain(secret);
    // The readable parts stay: the route, and the query parameters that are not secrets.
    expect(log).toContain('"url":"/api/customers?token=[redacted]"');
    expect(log).toContain('?utm=sms');
  });

  it('keeps ordinary URLs readable', () => {
    for (const url of [
      '/api/customers/123/interactions',
      '/api/root-cause-categories/7',
      '/api/tickets?view=all&limit=50',
      '/api/notices/12/confirm',
      '/customers/42',
    ])
      expect(redactUrl(url)).toBe(url);
    expect(redactUrl('/api/x?api_key=abc&q=1')).toBe('/api/x?api_key=[redacted]&q=1');
  });
});
