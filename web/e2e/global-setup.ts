// Starts the REAL server once for all journeys: `kefu serve --demo` on a fresh data folder and a free port;
// stops it with SIGTERM at the end. The base URL reaches the tests through `inject('baseUrl')`.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** Folder where the SMTP peer stores each received message as <n>.eml (read with e2e/mail.ts). */
    mailDir: string;
    /** Folder where the loopback SMS gateway stores each accepted message as <n>.json ({mobile, content, extno}). */
    smsDir: string;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, ms = 150_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}\n${log()}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server did not become healthy in ${ms / 1000} s\n${log()}`);
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync(path.join(root, 'web/dist/index.html')))
    throw new Error('web/dist is missing: run `npm run build -w web` first (npm test does)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-'));
  fs.chmodSync(dataDir, 0o755); // the embedded PostgreSQL may run as its own system user
  let port = await freePort();
  let baseUrl = `http://127.0.0.1:${port}`;
  // A real SMTP peer on loopback: the server's emails (replies, resolved, rating links) land in mailDir.
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-mail-'));
  let mailCount = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const file = path.join(mailDir, `${++mailCount}.eml`);
        fs.writeFileSync(`${file}.part`, `X-Envelope-To: ${to}\r\n${Buffer.concat(chunks)}`);
        fs.renameSync(`${file}.part`, file); // readers never see half a message
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const smtpPort = (smtp.server.address() as net.AddressInfo).port;
  // A real SMS gateway on loopback (the JSON API platform/sms.ts speaks): every accepted text lands in smsDir.
  const smsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-sms-'));
  let smsCount = 0;
  const sms = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let msg: { mobile?: string; content?: string; extno?: string };
      try {
        msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const n = ++smsCount;
      const file = path.join(smsDir, `${n}.json`);
      fs.writeFileSync(
        `${file}.part`,
        JSON.stringify({ mobile: msg.mobile, content: msg.content, extno: msg.extno }),
      );
      fs.renameSync(`${file}.part`, file);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 0, msgid: `m${n}` }));
    });
  });
  await new Promise<void>((resolve) => sms.listen(0, '127.0.0.1', () => resolve()));
  const smsPort = (sms.address() as net.AddressInfo).port;
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
    if (process.env.E2E_SERVER_LOG) process.stderr.write(b);
  };
  let child!: ChildProcess;
  for (let attempt = 1; ; attempt++) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KEFU_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      KEFU_PUBLIC_URL: baseUrl,
      KEFU_SMS_URL: `http://127.0.0.1:${smsPort}/send`,
      KEFU_SMS_KEY: 'e2e',
      KEFU_SMS_SECRET: 'e2e-sms-secret-0123456789',
      KEFU_SMS_SIGN: '客服',
    };
    delete env.DATABASE_URL; // always the embedded PostgreSQL in a fresh folder
    child = spawn(process.execPath, [path.join(root, 'scripts/kefu.mjs'), 'serve', '--demo'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await waitForHealth(baseUrl, child, () => output);
      break;
    } catch (e) {
      // The free port can be taken by another program while the demo loads: start again (the data is kept).
      if (attempt < 3 && /EADDRINUSE/.test(output)) {
        port = await freePort();
        baseUrl = `http://127.0.0.1:${port}`;
        output = '';
        continue;
      }
      if (child.exitCode === null) child.kill('SIGTERM');
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => sms.close(() => resolve()));
      throw e;
    }
  }
  project.provide('baseUrl', baseUrl);
  project.provide('mailDir', mailDir);
  project.provide('smsDir', smsDir);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    sms.closeAllConnections();
    await new Promise<void>((resolve) => sms.close(() => resolve()));
    fs.rmSync(smsDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(mailDir, { recursive: true, force: true });
  };
}
