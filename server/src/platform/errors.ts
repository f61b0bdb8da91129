// One error type for the whole server: a stable code the web app translates, an HTTP status, and field reasons.
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: FieldErrors,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(code, 400, message, fields);
export const notFound = (code: string, message = 'Not found') => new AppError(code, 404, message);
export const forbidden = (message = 'You do not have permission to do this') =>
  new AppError('FORBIDDEN', 403, message);
export const unauthorized = (message = 'Sign in first') => new AppError('UNAUTHENTICATED', 401, message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 409, message, undefined, details);

/** PostgreSQL constraint violations that a user can cause become 409/400, never 500. */
export function fromPgError(err: unknown): AppError | undefined {
  const e = err as { code?: string; constraint?: string; detail?: string; column?: string };
  if (!e || typeof e.code !== 'string') return undefined;
  if (e.code === '23505')
    return conflict('DUPLICATE', `Already exists (${e.constraint ?? 'unique'})`, {
      constraint: e.constraint,
    });
  if (e.code === '23503')
    return badRequest(
      'REFERENCE_INVALID',
      `Refers to a record that does not exist or is still in use (${e.constraint ?? ''})`,
    );
  if (e.code === '23514') return badRequest('CHECK_FAILED', `Value not allowed (${e.constraint ?? ''})`);
  if (e.code === '22P02' || e.code === '22007' || e.code === '22008')
    return badRequest('VALUE_INVALID', 'A value has the wrong format');
  if (e.code === '22001') return badRequest('VALUE_TOO_LONG', 'A value is too long');
  // A NUL character or other text PostgreSQL cannot store (22021, 22P05), a number beyond its column (22003).
  if (e.code === '22021' || e.code === '22P05')
    return badRequest('VALUE_INVALID', 'A value contains characters that cannot be stored');
  if (e.code === '22003') return badRequest('VALUE_OUT_OF_RANGE', 'A number is out of range');
  return undefined;
}
