// Zod pieces every module's schemas share.
import { z } from 'zod';

// Strict numbers: a JSON body's `true`, `[507]` or `"507"` is not 507. Query strings and path parameters are text;
// the validator (platform/validation.ts) turns their well-formed numbers into numbers before these run.
export const ZId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const ZIdParams = z.object({ id: ZId });
export const ZLimit = z.number().int().min(1).max(200).default(50);
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

const componentIds = new Map<string, z.ZodType>();
/**
 * Registers `schema` as the OpenAPI component `id` (`components.schemas.<id>`; `<id>Input` where it is used in a
 * request) and returns it. Name the shapes clients meet in several places (a customer, a ticket …) and every
 * recursive schema; see platform/openapi.ts. Two schemas cannot have the same name.
 */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  const other = componentIds.get(id);
  if (other && other !== schema)
    throw new Error(`Two schemas are named ${id}: OpenAPI component names are unique`);
  componentIds.set(id, schema);
  z.globalRegistry.add(schema, {
    ...z.globalRegistry.get(schema),
    id,
    ...(description ? { description } : {}),
  });
  return schema;
}

export const ZError = named(
  'Error',
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  'Every failure: a stable `code`, a message, and for invalid input `fields` naming each field.',
);

/** The cursor of the next page of a keyset-paginated list (opaque); null on the last page. */
export const ZPageCursor = named(
  'PageCursor',
  z.string().nullable(),
  'Opaque: pass it back as `cursor` for the next page; null on the last page.',
);
const makePage = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: ZPageCursor });
const pages = new WeakMap<z.ZodType, z.ZodType>();
/**
 * A page of a keyset-paginated list: pass `nextCursor` back as `cursor` for the next page. The page of a named
 * item is itself named (`TicketPage` for `Ticket`).
 */
export const page = <T extends z.ZodTypeAny>(item: T): ReturnType<typeof makePage<T>> => {
  const known = pages.get(item);
  if (known) return known as ReturnType<typeof makePage<T>>;
  const made = makePage(item);
  const id = z.globalRegistry.get(item)?.id;
  if (id) named(`${id}Page`, made);
  pages.set(item, made);
  return made;
};

export const ZOk = named('Ok', z.object({ ok: z.literal(true) }));

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
