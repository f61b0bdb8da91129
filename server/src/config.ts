// Reads and validates the environment once, at start, so a bad value stops Kefu with a clear message.
import path from 'node:path';
import { z } from 'zod';

const ZPort = z.coerce.number().int().min(0).max(65535);
const ZBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * The firm's time zone when KEFU_TIMEZONE is not set: where "today", a week, a month and a year begin, and the
 * zone of a calendar that names none. The only place the zone is written; code asks platform/time.ts.
 */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** Whether `tz` is a time zone the runtime knows (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const ZTimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, `must be an IANA time zone such as ${DEFAULT_TIMEZONE}`)
  .default(DEFAULT_TIMEZONE);

const MiB = 1024 * 1024;
/** A size in bytes: at least 1 KiB, at most 4 GiB. */
const ZBytes = z.coerce
  .number()
  .int()
  .min(1024)
  .max(4 * 1024 * MiB);

const ZEnv = z.object({
  PORT: ZPort.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  KEFU_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  // The app's own least-privileged role on DATABASE_URL's server (DATABASE_URL is then the owner, for migrations).
  KEFU_APP_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: ZPort.default(25),
  SMTP_SECURE: ZBool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().default('Kefu <kefu@localhost>'),
  // Verify the mail server's TLS certificate (default). `false` only for a relay with a self-signed certificate.
  SMTP_TLS_REJECT_UNAUTHORIZED: ZBool.default(true),
  KEFU_PUBLIC_URL: z.string().url('must be a URL such as https://kefu.example.com').optional(),
  KEFU_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  KEFU_LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  // Sign-in attempts a minute for one username, from all addresses together (beside the per-address limit).
  KEFU_LOGIN_ACCOUNT_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  KEFU_JOBS: ZBool.default(true),
  KEFU_TRUST_PROXY: ZBool.default(false),
  KEFU_TIMEZONE: ZTimeZone,
  // SMS gateway (platform/sms.ts): URL, account key, HMAC secret, and the signature 【…】 put before each text.
  KEFU_SMS_URL: z.string().url('must be a URL such as https://sms.example.com/send').optional(),
  KEFU_SMS_KEY: z.string().min(1).max(200).optional(),
  KEFU_SMS_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  KEFU_SMS_SIGN: z.string().min(1).max(20).optional(),
  // Upload limits per kind (platform/files.ts): attachments of customers and tickets, import files (CSV/XLSX).
  KEFU_UPLOAD_ATTACHMENT_MAX_BYTES: ZBytes.default(10 * MiB),
  KEFU_UPLOAD_IMPORT_MAX_BYTES: ZBytes.default(20 * MiB),
  // Reading an import file: rows at most (Excel's own sheet limit), an XLSX's zip entries unpacked at most.
  KEFU_IMPORT_MAX_ROWS: z.coerce.number().int().positive().max(100_000_000).default(1_048_576),
  KEFU_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES: ZBytes.default(256 * MiB),
});

const ZEnvChecked = ZEnv.superRefine((e, ctx) => {
  if (e.KEFU_APP_DATABASE_URL && !e.DATABASE_URL)
    ctx.addIssue({
      code: 'custom',
      path: ['KEFU_APP_DATABASE_URL'],
      message: 'is used only with DATABASE_URL (the embedded database makes its own app role)',
    });
  if (e.KEFU_SMS_URL)
    for (const k of ['KEFU_SMS_KEY', 'KEFU_SMS_SECRET'] as const)
      if (!e[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'is required when KEFU_SMS_URL is set' });
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** The app's connection when it differs from DATABASE_URL's (the owner's): KEFU_APP_DATABASE_URL. */
  appDatabaseUrl?: string;
  logLevel: z.infer<typeof ZEnv>['LOG_LEVEL'];
  smtp: {
    host?: string;
    port: number;
    secure: boolean;
    user?: string;
    password?: string;
    from: string;
    /** false only when SMTP_TLS_REJECT_UNAUTHORIZED=false: the mail server's certificate is not checked. */
    tlsRejectUnauthorized?: boolean;
  };
  publicUrl?: string;
  sessionHours: number;
  loginRateLimit: number;
  loginAccountRateLimit: number;
  jobs: boolean;
  trustProxy: boolean;
  /** KEFU_TIMEZONE: the firm's time zone (platform/time.ts). */
  timezone: string;
  /** The SMS gateway; absent when KEFU_SMS_URL is not set (messages are then recorded as failed). */
  sms?: { url: string; key: string; secret: string; sign?: string };
  /** Upload and import-file limits (docs/operations.md, docs/SECURITY.md "Files"). */
  uploads: UploadLimits;
};

export type UploadLimits = {
  /** KEFU_UPLOAD_ATTACHMENT_MAX_BYTES: a customer's or a ticket's attachment. */
  attachmentMaxBytes: number;
  /** KEFU_UPLOAD_IMPORT_MAX_BYTES: an uploaded import file (customers, metrics). */
  importMaxBytes: number;
  /** KEFU_IMPORT_MAX_ROWS: rows of an import file, the header included. */
  importMaxRows: number;
  /** KEFU_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES: all zip entries of an XLSX file together, unpacked. */
  xlsxMaxUncompressedBytes: number;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnvChecked.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.KEFU_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    appDatabaseUrl: e.KEFU_APP_DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      user: e.SMTP_USER,
      password: e.SMTP_PASSWORD,
      from: e.SMTP_FROM,
      tlsRejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
    },
    publicUrl: e.KEFU_PUBLIC_URL,
    sessionHours: e.KEFU_SESSION_HOURS,
    loginRateLimit: e.KEFU_LOGIN_RATE_LIMIT,
    loginAccountRateLimit: e.KEFU_LOGIN_ACCOUNT_RATE_LIMIT,
    jobs: e.KEFU_JOBS,
    trustProxy: e.KEFU_TRUST_PROXY,
    timezone: e.KEFU_TIMEZONE,
    sms: e.KEFU_SMS_URL
      ? { url: e.KEFU_SMS_URL, key: e.KEFU_SMS_KEY!, secret: e.KEFU_SMS_SECRET!, sign: e.KEFU_SMS_SIGN }
      : undefined,
    uploads: {
      attachmentMaxBytes: e.KEFU_UPLOAD_ATTACHMENT_MAX_BYTES,
      importMaxBytes: e.KEFU_UPLOAD_IMPORT_MAX_BYTES,
      importMaxRows: e.KEFU_IMPORT_MAX_ROWS,
      xlsxMaxUncompressedBytes: e.KEFU_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES,
    },
  };
}

/**
 * KEFU_TIMEZONE alone, for code that runs without the whole configuration (platform/time.ts); a bad value throws a
 * ConfigError naming it, as loadConfig does at start.
 */
export function timeZoneFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = ZTimeZone.safeParse(env.KEFU_TIMEZONE || undefined);
  if (!parsed.success)
    throw new ConfigError(
      `Invalid configuration:\n  KEFU_TIMEZONE: ${parsed.error.issues[0]?.message} (got ${JSON.stringify(env.KEFU_TIMEZONE)})`,
    );
  return parsed.data;
}
