// Outgoing mail verifies the SMTP server's TLS certificate unless SMTP_TLS_REJECT_UNAUTHORIZED=false says
// otherwise, and nothing in server/src switches certificate checks off outside platform/mail.ts.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createMailTransport, smtpTransportOptions } from './mail.ts';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let server: SMTPServer;
let port: number;
const inbox: string[] = [];

beforeAll(async () => {
  // STARTTLS is offered with smtp-server's built-in self-signed certificate: a client that checks certificates
  // must refuse it.
  server = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        inbox.push(session.envelope.rcptTo.map((r) => r.address).join(','));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const send = async (env: Record<string, string>, to: string) => {
  const smtp = loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), ...env }).smtp;
  const transport = createMailTransport(smtp);
  try {
    await transport.sendMail({ from: smtp.from, to, subject: 'tls', text: 'tls' });
  } finally {
    transport.close();
  }
};

describe('mail TLS', () => {
  it('verifies certificates by default: a self-signed STARTTLS peer is refused and nothing is delivered', async () => {
    expect(loadConfig({}).smtp.tlsRejectUnauthorized).toBe(true);
    expect(smtpTransportOptions(loadConfig({}).smtp).tls.rejectUnauthorized).toBe(true);
    await expect(send({}, 'verified@example.com')).rejects.toThrow(/certificate/i);
    expect(inbox).not.toContain('verified@example.com');
  });

  it('SMTP_TLS_REJECT_UNAUTHORIZED=false is the explicit way to accept such a certificate', async () => {
    await send({ SMTP_TLS_REJECT_UNAUTHORIZED: 'false' }, 'unverified@example.com');
    expect(inbox).toContain('unverified@example.com');
    expect(() => loadConfig({ SMTP_TLS_REJECT_UNAUTHORIZED: 'maybe' })).toThrow(
      /SMTP_TLS_REJECT_UNAUTHORIZED/,
    );
  });

  it('no code in server/src turns certificate checks off outside the config-driven transport', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|tsx|js|mjs|cjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
          const text = fs.readFileSync(p, 'utf8');
          const rel = path.relative(srcDir, p);
          if (/rejectUnauthorized\s*:\s*(false|0|!1)/.test(text))
            offenders.push(`${rel}: turns the certificate check off (rejectUnauthorized set to false)`);
          if (/NODE_TLS_REJECT_UNAUTHORIZED/.test(text))
            offenders.push(`${rel}: NODE_TLS_REJECT_UNAUTHORIZED`);
          if (/rejectUnauthorized/.test(text) && rel !== path.join('platform', 'mail.ts'))
            offenders.push(
              `${rel}: sets rejectUnauthorized (only platform/mail.ts may, from SMTP_TLS_REJECT_UNAUTHORIZED)`,
            );
          if (/nodemailer\.createTransport\(/.test(text) && rel !== path.join('platform', 'mail.ts'))
            offenders.push(`${rel}: builds its own mail transport (use createMailTransport)`);
        }
      }
    };
    walk(srcDir);
    expect(offenders).toEqual([]);
  });
});
