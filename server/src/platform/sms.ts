// Text messages (短信) through an HTTP gateway. One provider interface; one real implementation modelled on the
// JSON API of the common Chinese SMS gateways (e.g. the "account / password / mobile / content / extno" family):
//
//   POST {KEFU_SMS_URL}                      Content-Type: application/json
//   { "account": KEFU_SMS_KEY, "timestamp": "1764000000000", "mobile": "13800000000",
//     "content": "【KEFU_SMS_SIGN】text", "extno": "<idempotency key>",
//     "sign": hex(HMAC-SHA256(KEFU_SMS_SECRET, account + "\n" + timestamp + "\n" + mobile + "\n" + content + "\n" + extno)) }
//   → 200 { "code": 0, "msgid": "…" }   accepted;   { "code": <non-zero>, "message": "…" } refused.
//
// `extno` is our idempotency key (the outbox row's key): a gateway that has already accepted that key answers with
// the same msgid and does not send again — this is what makes re-sending after a crash safe (see the dispatcher).
//
// Delivery reports come back to POST /api/sms/reports (public) as JSON { msgid, extno, status: "DELIVRD" | other,
// timestamp, sign } with sign = hex(HMAC-SHA256(secret, msgid + "\n" + extno + "\n" + status + "\n" + timestamp)).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { type Config, loadConfig } from '../config.ts';

export type SmsMessage = { mobile: string; content: string; idempotencyKey: string };
export type SmsResult = { ok: true; providerId: string } | { ok: false; error: string; retryable: boolean };

export interface SmsProvider {
  readonly name: string;
  send(msg: SmsMessage): Promise<SmsResult>;
}

export type SmsConfig = NonNullable<Config['sms']>;

export const hmacHex = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex');

export function signRequest(
  secret: string,
  f: { account: string; timestamp: string; mobile: string; content: string; extno: string },
) {
  return hmacHex(secret, [f.account, f.timestamp, f.mobile, f.content, f.extno].join('\n'));
}

export function signReport(
  secret: string,
  f: { msgid: string; extno: string; status: string; timestamp: string },
) {
  return hmacHex(secret, [f.msgid, f.extno, f.status, f.timestamp].join('\n'));
}

export function verifyReport(
  secret: string,
  f: { msgid: string; extno: string; status: string; timestamp: string; sign: string },
): boolean {
  const want = Buffer.from(signReport(secret, f), 'hex');
  const got = Buffer.from(/^[0-9a-f]{64}$/i.test(f.sign) ? f.sign : '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** One JSON POST over node:http(s) with a keep-alive agent (cheaper per request than fetch at high rates). */
function postJson(
  url: URL,
  agent: http.Agent,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The real gateway client: JSON POST, HMAC-signed, with a timeout, over kept-alive connections. */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';
  private readonly url: URL;
  private readonly agent: http.Agent;
  constructor(
    private readonly cfg: SmsConfig,
    private readonly timeoutMs = 10_000,
  ) {
    this.url = new URL(cfg.url);
    const Agent = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 64 });
  }

  async send(msg: SmsMessage): Promise<SmsResult> {
    const content = this.cfg.sign ? `【${this.cfg.sign}】${msg.content}` : msg.content;
    const f = {
      account: this.cfg.key,
      timestamp: String(Date.now()),
      mobile: msg.mobile,
      content,
      extno: msg.idempotencyKey,
    };
    let res: { status: number; text: string };
    try {
      res = await postJson(
        this.url,
        this.agent,
        JSON.stringify({ ...f, sign: signRequest(this.cfg.secret, f) }),
        this.timeoutMs,
      );
    } catch (e) {
      return { ok: false, error: `network: ${(e as Error).message}`, retryable: true };
    }
    let body: any = null;
    try {
      body = JSON.parse(res.text);
    } catch {}
    if (res.status >= 500) return { ok: false, error: `gateway ${res.status}`, retryable: true };
    if (res.status !== 200 || !body || body.code !== 0 || typeof body.msgid !== 'string')
      return {
        ok: false,
        error: `refused: ${body?.code ?? res.status} ${String(body?.message ?? '').slice(0, 200)}`,
        retryable: false,
      };
    return { ok: true, providerId: body.msgid };
  }

  /** Closes the kept-alive connections. */
  close() {
    this.agent.destroy();
  }
}

/** Used when no gateway is configured: every message fails visibly (recorded as failed), nothing is sent. */
export class UnconfiguredSmsProvider implements SmsProvider {
  readonly name = 'none';
  async send(): Promise<SmsResult> {
    return { ok: false, error: 'SMS gateway not configured (KEFU_SMS_URL)', retryable: false };
  }
}

let configured: Config['sms'] | undefined | null = null;
let override: SmsProvider | undefined;

/** The app passes its configuration at start; a job running elsewhere reads the environment. */
export function configureSms(config: Pick<Config, 'sms'>) {
  configured = config.sms;
}

/** Tests and benchmarks may put a provider in place (normally an HttpSmsProvider pointed at a loopback server). */
export function setSmsProvider(p: SmsProvider | undefined) {
  override = p;
}

export function smsConfig(): Config['sms'] {
  if (configured === null) configured = loadConfig().sms;
  return configured;
}

let cached: { cfg: Config['sms']; provider: SmsProvider } | undefined;
export function smsProvider(): SmsProvider {
  if (override) return override;
  const c = smsConfig();
  // One provider (and so one pool of kept-alive connections) per configuration.
  if (!cached || cached.cfg !== c)
    cached = { cfg: c, provider: c ? new HttpSmsProvider(c) : new UnconfiguredSmsProvider() };
  return cached.provider;
}

/** Fills {placeholders} of a template; unknown ones are left as they are. */
export const fillTemplate = (s: string, v: Record<string, string | number | null | undefined>) =>
  s.replace(/\{(\w+)\}/g, (m, k) => (v[k] == null ? m : String(v[k])));

/** Mainland mobile numbers (what the gateway accepts): 11 digits starting with 1, +86 / 86 prefix allowed. */
export function normaliseMobile(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const d = phone.replace(/[\s\-()]/g, '').replace(/^(\+?86)/, '');
  return /^1[3-9]\d{9}$/.test(d) ? d : null;
}
