// A loopback SMS gateway for tests and benchmarks: a real HTTP server on 127.0.0.1 speaking the request format of
// platform/sms.ts. It checks each request's HMAC, records what it received, deduplicates by `extno` (as a gateway
// with idempotency keys does), and can be told to fail.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest } from '../platform/sms.ts';

export type ReceivedSms = { mobile: string; content: string; extno: string; msgid: string };

export type SmsTestServer = {
  url: string;
  /** Every accepted message, once per extno. */
  messages: ReceivedSms[];
  /** How many requests arrived (repeats of an extno included). */
  requests: () => number;
  /** Requests that repeated an extno already accepted (answered with the first msgid, not sent again). */
  duplicates: () => number;
  /** Decide per message: undefined = accept; a status code (500, 400…) = fail with it. */
  failWith: (fn: ((m: { mobile: string; content: string }) => number | undefined) | undefined) => void;
  delayMs: (ms: number) => void;
  close: () => Promise<void>;
};

export async function startSmsTestServer(opts: { key: string; secret: string }): Promise<SmsTestServer> {
  const messages: ReceivedSms[] = [];
  const byExtno = new Map<string, string>();
  let requests = 0;
  let duplicates = 0;
  let fail: ((m: { mobile: string; content: string }) => number | undefined) | undefined;
  let delay = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      requests++;
      const send = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let b: any;
      try {
        b = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, { code: 1, message: 'bad json' });
      }
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (b.account !== opts.key) return send(200, { code: 101, message: 'unknown account' });
      if (b.sign !== signRequest(opts.secret, b)) return send(200, { code: 102, message: 'bad sign' });
      const status = fail?.({ mobile: b.mobile, content: b.content });
      if (status) return send(status, { code: status, message: 'failure on request' });
      const known = byExtno.get(b.extno);
      if (known) {
        duplicates++;
        return send(200, { code: 0, msgid: known });
      }
      const msgid = randomUUID();
      byExtno.set(b.extno, msgid);
      messages.push({ mobile: b.mobile, content: b.content, extno: b.extno, msgid });
      send(200, { code: 0, msgid });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    messages,
    requests: () => requests,
    duplicates: () => duplicates,
    failWith: (fn) => {
      fail = fn;
    },
    delayMs: (ms) => {
      delay = ms;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
