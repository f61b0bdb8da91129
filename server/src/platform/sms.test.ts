// The SMS provider against a real HTTP gateway on 127.0.0.1: signed requests, idempotency keys, failures, config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { type SmsTestServer, startSmsTestServer } from '../test/sms-server.ts';
import { fillTemplate, HttpSmsProvider, normaliseMobile, signReport, verifyReport } from './sms.ts';

const KEY = 'kefu-test';
const SECRET = 'test-secret-0123456789';
let gw: SmsTestServer;

beforeAll(async () => {
  gw = await startSmsTestServer({ key: KEY, secret: SECRET });
});
afterAll(async () => {
  await gw.close();
});

describe('HttpSmsProvider', () => {
  it('sends a signed JSON request with the signature prefix and gets the gateway message id', async () => {
    const p = new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET, sign: '客服' });
    const r = await p.send({ mobile: '13800000001', content: '您好', idempotencyKey: 'kefu-sms-1' });
    expect(r.ok).toBe(true);
    expect(gw.messages.at(-1)).toMatchObject({
      mobile: '13800000001',
      content: '【客服】您好',
      extno: 'kefu-sms-1',
    });
    if (r.ok) expect(r.providerId).toBe(gw.messages.at(-1)!.msgid);
  });

  it('a repeated idempotency key is not sent twice and answers the first message id', async () => {
    const p = new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET });
    const before = gw.messages.length;
    const a = await p.send({ mobile: '13800000002', content: 'x', idempotencyKey: 'kefu-sms-2' });
    const b = await p.send({ mobile: '13800000002', content: 'x', idempotencyKey: 'kefu-sms-2' });
    expect(gw.messages.length).toBe(before + 1);
    expect(a).toEqual(b);
    expect(gw.duplicates()).toBeGreaterThanOrEqual(1);
  });

  it('a wrong secret is refused by the gateway (not retryable); a 5xx is retryable; no server is retryable', async () => {
    const bad = new HttpSmsProvider({ url: gw.url, key: KEY, secret: 'wrong-secret-0123456789' });
    expect(await bad.send({ mobile: '13800000003', content: 'x', idempotencyKey: 'k3' })).toMatchObject({
      ok: false,
      retryable: false,
    });
    gw.failWith((m) => (m.mobile === '13800000004' ? 503 : undefined));
    const p = new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET });
    expect(await p.send({ mobile: '13800000004', content: 'x', idempotencyKey: 'k4' })).toMatchObject({
      ok: false,
      retryable: true,
    });
    gw.failWith(undefined);
    const gone = new HttpSmsProvider({ url: 'http://127.0.0.1:9/none', key: KEY, secret: SECRET }, 2000);
    expect(await gone.send({ mobile: '13800000005', content: 'x', idempotencyKey: 'k5' })).toMatchObject({
      ok: false,
      retryable: true,
    });
  });
});

describe('helpers and configuration', () => {
  it('verifies report signatures', () => {
    const f = { msgid: 'm1', extno: 'kefu-sms-9', status: 'DELIVRD', timestamp: '1' };
    expect(verifyReport(SECRET, { ...f, sign: signReport(SECRET, f) })).toBe(true);
    expect(verifyReport(SECRET, { ...f, status: 'UNDELIV', sign: signReport(SECRET, f) })).toBe(false);
    expect(verifyReport(SECRET, { ...f, sign: 'nothex' })).toBe(false);
  });

  it('fills templates and normalises mobiles', () => {
    expect(fillTemplate('{name}您好 {x}', { name: '张三' })).toBe('张三您好 {x}');
    expect(normaliseMobile('+86 138-0000-0000')).toBe('13800000000');
    expect(normaliseMobile('010-12345678')).toBeNull();
  });

  it('needs key and secret when the URL is set', () => {
    expect(() => loadConfig({ KEFU_SMS_URL: 'https://sms.example.com/send' })).toThrow(
      /KEFU_SMS_KEY.*required/s,
    );
    expect(() => loadConfig({ KEFU_SMS_URL: 'not a url' })).toThrow(/KEFU_SMS_URL/);
    expect(() =>
      loadConfig({
        KEFU_SMS_URL: 'https://sms.example.com/send',
        KEFU_SMS_KEY: 'k',
        KEFU_SMS_SECRET: 'short',
      }),
    ).toThrow(/KEFU_SMS_SECRET/);
    const c = loadConfig({
      KEFU_SMS_URL: 'https://sms.example.com/send',
      KEFU_SMS_KEY: 'k',
      KEFU_SMS_SECRET: 'a-long-enough-secret',
      KEFU_SMS_SIGN: '客服',
    });
    expect(c.sms).toEqual({
      url: 'https://sms.example.com/send',
      key: 'k',
      secret: 'a-long-enough-secret',
      sign: '客服',
    });
    expect(loadConfig({}).sms).toBeUndefined();
  });
});
