// Zod pieces every module's schemas share.
import { z } from 'zod';

export const ZId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const ZIdParams = z.object({ id: ZId });
export const ZLimit = z.coerce.number().int().min(1).max(200).default(50);
export const ZDate = z
  .union([z.date(), z.string()])
  .transform((v) => (v instanceof Date ? v.toISOString() : v));
export const ZNullableDate = ZDate.nullable();
export const ZPhone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{3,32}$/, 'must be a phone number');
export const ZEmail = z.string().trim().email('must be an email address').max(200);
export const ZLocale = z.enum(['zh-CN', 'zh-TW', 'en']);

export const ZError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** A page of a keyset-paginated list: pass `nextCursor` back as `cursor` for the next page. */
export const page = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const ZOk = z.object({ ok: z.literal(true) });

/** Errors every authenticated route can answer; listed so the OpenAPI document shows them. */
export const commonErrors = { 400: ZError, 401: ZError, 403: ZError, 404: ZError, 409: ZError };

export const encodeCursor = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
export function decodeCursor(c: string | undefined): unknown[] | undefined {
  if (!c) return undefined;
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString());
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
