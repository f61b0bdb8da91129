// The permission table: every API route × every built-in role, allowed or denied. Each module keeps its rows in
// `modules/<x>/permission-cases.ts` and they are gathered here; permissions.test.ts fails for any route that has
// no row, so a new route cannot ship without saying who may call it.
import type { TestApp } from './app.ts';

export const BUILTIN_ROLE_USERS = {
  admin: 'admin',
  supervisor: 'supervisor',
  agent: 'agent',
  account_manager: 'manager',
  branch_manager: 'branchmgr',
  compliance: 'compliance',
  department_staff: 'settlement',
  readonly: 'viewer',
} as const;
export type RoleCode = keyof typeof BUILTIN_ROLE_USERS;
/** Who the request is built for: a built-in role and its demo user, or null for an anonymous call. */
export type Caller = { role: RoleCode; username: string } | null;

export type RouteCase = {
  /** HTTP method and the route exactly as registered, e.g. 'PATCH /api/users/:id'. */
  route: string;
  /** Roles that may call it; 'everyone' = any signed-in user; 'public' = no sign-in needed. */
  allowed: RoleCode[] | 'everyone' | 'public';
  /**
   * Builds one concrete request against a fresh test app (create what it needs with t.db or t.call as admin).
   * Return the URL with its path parameters filled in, and the body for writes. A write must be one that
   * would succeed for an allowed role, so that a denied role's 403 proves the permission and not bad input.
   */
  request?: (t: TestApp, as: Caller) => Promise<CaseRequest>;
  /**
   * Tables whose rows must be unchanged after a denied write. The audit log is always compared, and so is the
   * table named like the URL's first segment if it exists ('/api/users/:id' → users); list any others here.
   * Not 'sessions': any signed-in call may slide the caller's own session.
   */
  tables?: string[];
  /**
   * Why this write leaves no audit row (e.g. 'marks the caller's own notification read'). Without it,
   * platform/audit.test.ts requires an audit row from every write that changes its tables.
   */
  noAudit?: string;
};

/** One concrete request: JSON `body`, or a multipart upload of `file` with the text `fields` sent before it. */
export type CaseRequest = {
  url: string;
  body?: unknown;
  file?: { name: string; content: string | Buffer; type?: string; field?: string };
  fields?: Record<string, string>;
};

/** Sends a case's request as the signed-in user of `cookie` (or anonymously), JSON or multipart. */
export async function sendCase(t: TestApp, cookie: string | null, method: string, req: CaseRequest) {
  if (!req.file) return t.call(cookie, method, req.url, req.body);
  const boundary = `----kefu${Date.now().toString(36)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(req.fields ?? {}))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const f = req.file;
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.name}"\r\n` +
        `Content-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  const res = await t.app.inject({
    method: method as 'POST',
    url: req.url,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(cookie ? { cookie } : {}),
    },
    payload: Buffer.concat(parts),
  });
  let body: any = res.body;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch {}
  return { status: res.statusCode, body };
}

export const cases: RouteCase[] = [];
export function addCases(list: RouteCase[]) {
  cases.push(...list);
}
