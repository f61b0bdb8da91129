// The environment is checked once at start: a bad value stops Kefu with a message naming the variable.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return e;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('configuration', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://root@localhost/kefu'],
    ['DATABASE_URL', 'localhost:5432'],
    ['LOG_LEVEL', 'loud'],
    ['SMTP_PORT', 'twenty-five'],
    ['SMTP_SECURE', 'maybe'],
    ['KEFU_PUBLIC_URL', 'not a url'],
    ['KEFU_SESSION_HOURS', '0'],
    ['KEFU_SESSION_HOURS', 'forever'],
    ['KEFU_LOGIN_RATE_LIMIT', '1.5'],
    ['KEFU_JOBS', 'sometimes'],
    ['KEFU_TRUST_PROXY', 'perhaps'],
  ])('refuses %s=%s, naming the variable and the value', (name, value) => {
    const e = fails({ [name]: value });
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toContain(`${name}:`);
    expect((e as Error).message).toContain(JSON.stringify(value));
  });

  it('names every bad variable at once', () => {
    const msg = (fails({ PORT: 'abc', LOG_LEVEL: 'loud' }) as Error).message;
    expect(msg).toContain('PORT');
    expect(msg).toContain('LOG_LEVEL');
  });

  it('has sensible defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      logLevel: 'info',
      smtp: { port: 25, secure: false, from: 'Kefu <kefu@localhost>' },
      publicUrl: undefined,
      sessionHours: 12,
      loginRateLimit: 20,
      jobs: true,
      trustProxy: false,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 3000, logLevel: 'info' });
  });

  it('reads good values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://kefu@db:5432/kefu',
      LOG_LEVEL: 'warn',
      SMTP_SECURE: 'yes',
      KEFU_JOBS: '0',
      KEFU_TRUST_PROXY: 'true',
      KEFU_SESSION_HOURS: '8',
      KEFU_PUBLIC_URL: 'https://kefu.example.com',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://kefu@db:5432/kefu',
      logLevel: 'warn',
      smtp: { secure: true },
      jobs: false,
      trustProxy: true,
      sessionHours: 8,
      publicUrl: 'https://kefu.example.com',
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://x@y/z' }).databaseUrl).toBe('postgres://x@y/z');
  });

  it('has one upload limit per kind, and the import-file limits (docs/operations.md)', () => {
    expect(loadConfig({}).uploads).toEqual({
      attachmentMaxBytes: 10 * 1024 * 1024,
      importMaxBytes: 20 * 1024 * 1024,
      importMaxRows: 1_048_576,
      xlsxMaxUncompressedBytes: 256 * 1024 * 1024,
    });
    expect(
      loadConfig({
        KEFU_UPLOAD_ATTACHMENT_MAX_BYTES: '5242880',
        KEFU_UPLOAD_IMPORT_MAX_BYTES: '104857600',
        KEFU_IMPORT_MAX_ROWS: '2000000',
        KEFU_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES: '1073741824',
      }).uploads,
    ).toEqual({
      attachmentMaxBytes: 5_242_880,
      importMaxBytes: 104_857_600,
      importMaxRows: 2_000_000,
      xlsxMaxUncompressedBytes: 1_073_741_824,
    });
    expect(() => loadConfig({ KEFU_UPLOAD_IMPORT_MAX_BYTES: '20MB' })).toThrow(
      /KEFU_UPLOAD_IMPORT_MAX_BYTES/,
    );
    expect(() => loadConfig({ KEFU_UPLOAD_ATTACHMENT_MAX_BYTES: '10' })).toThrow(
      /KEFU_UPLOAD_ATTACHMENT_MAX_BYTES/,
    );
  });
});
