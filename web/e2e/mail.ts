// Reads the messages the e2e SMTP peer received (global-setup.ts stores each as <n>.eml in the mailDir).
// Plain-text emails only (what the server sends): headers, RFC 2047 subjects, quoted-printable or base64 bodies.
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

function decodeWords(s: string) {
  return s.replace(/=\?([^?]+)\?([BQbq])\?([^?]*)\?=\s*/g, (_, _cs: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function decodeQp(s: string) {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function parseMail(raw: string): Mail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const enc = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    enc === 'quoted-printable'
      ? decodeQp(body)
      : enc === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : Buffer.from(body, 'latin1').toString('utf8');
  return { to: header('X-Envelope-To'), subject: decodeWords(header('Subject')), text };
}

export function inbox(): Mail[] {
  const dir = inject('mailDir');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((f) => parseMail(fs.readFileSync(path.join(dir, f), 'latin1')));
}

/** Waits until a message matching `pick` arrives (the server sends from a job, so it takes a moment). */
export async function waitForMail(pick: (m: Mail) => boolean, ms = 60_000): Promise<Mail> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const m = inbox().find(pick);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `no such email within ${ms / 1000} s; received: ${JSON.stringify(inbox().map((m) => [m.to, m.subject]))}`,
  );
}
