// The request log never holds a public token: the customer's notice-confirm link, a ticket's rating link, or any
// other secret carried in a URL path or query is cut out before the line is written (docs/SECURITY.md).
import type { FastifyRequest } from 'fastify';

const REDACTED = '[redacted]';
/** Path segments that carry a secret after them, whatever it looks like. */
const SECRET_AFTER = new Set([
  'confirm',
  'ratings',
  'rate',
  'token',
  'tokens',
  'reset',
  'invite',
  'unsubscribe',
]);
/** Query parameters that carry a secret. */
const SECRET_PARAM = /token|secret|password|passwd|signature|^sig$|^key$|apikey|api_key|nonce|^t$/i;

/**
 * Whether a path segment looks like a random token: 16+ URL-safe characters that mix letters with digits or
 * case (so `root-cause-categories` or a numeric id stays readable, `a8Kd0_x…` does not).
 */
const looksLikeToken = (s: string) =>
  s.length >= 16 &&
  /^[A-Za-z0-9._~%-]+$/.test(s) &&
  ((/[0-9]/.test(s) && /[A-Za-z]/.test(s)) || (/[a-z]/.test(s) && /[A-Z]/.test(s)));

/** The URL with every secret in its path or query replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const segments = path.split('/');
  const safePath = segments
    .map((s, i) =>
      s && ((i > 0 && SECRET_AFTER.has(segments[i - 1].toLowerCase())) || looksLikeToken(s)) ? REDACTED : s,
    )
    .join('/');
  if (q < 0) return safePath;
  const safeQuery = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {}
      const value = pair.slice(eq + 1);
      return SECRET_PARAM.test(decoded) || looksLikeToken(value) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${safePath}?${safeQuery}`;
}

/** Fastify's request serializer, with the URL redacted (the fields are Fastify's defaults otherwise). */
export const logSerializers = {
  req(req: FastifyRequest) {
    return {
      method: req.method,
      url: redactUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    };
  },
};
