// Campaign benchmark: a campaign of N targets (a static segment of N customers with mobiles) is created and started
// — targets materialised and the SMS step's outbox written, set-based — then the step is dispatched through the
// real HTTP provider to a loopback gateway (node:http on 127.0.0.1, in this process), in batches with bounded
// concurrency. Every message is checked to have arrived exactly once.
//   node --import tsx bench/campaign.ts [targets=100000] [batchSize=1000] [concurrency=32]
// Database: a fresh embedded PostgreSQL in /tmp/kefu-bench-campaign (KEFU_BENCH_CAMPAIGN_DIR to change), or
// DATABASE_URL (an empty database). Prints a JSON result and writes bench/out/campaign-N.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/src/config.ts';
import { loadDemoOrganisation } from '../server/src/demo/foundation.ts';
import { dispatchOutbox } from '../server/src/modules/campaigns/dispatcher.ts';
import { createCampaign, startCampaign } from '../server/src/modules/campaigns/service.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';
import type { AuthedCtx } from '../server/src/platform/context.ts';
import { ALL_PERMISSIONS } from '../server/src/platform/permissions.ts';
import { HttpSmsProvider } from '../server/src/platform/sms.ts';
import { startSmsTestServer } from '../server/src/test/sms-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targets = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 1000);
const concurrency = Number(process.argv[4] ?? 32);
const out = path.join(root, 'bench/out');
fs.mkdirSync(out, { recursive: true });
const dataDir = process.env.KEFU_BENCH_CAMPAIGN_DIR ?? '/tmp/kefu-bench-campaign';

if (!process.env.DATABASE_URL) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
}
const opened = await openDatabase(loadConfig({ ...process.env, KEFU_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
const KEY = 'bench';
const SECRET = 'bench-secret-0123456789';
const gw = await startSmsTestServer({ key: KEY, secret: SECRET });
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
try {
  const db = opened.db;
  await loadDemoOrganisation(db);
  const version = (await opened.pool.query('select version()')).rows[0].version as string;
  const admin = await db
    .selectFrom('users')
    .select(['id', 'branch_id', 'department_id'])
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
  const ctx: AuthedCtx = {
    db,
    ip: null,
    actor: {
      id: admin.id,
      username: 'admin',
      displayName: 'admin',
      branchId: admin.branch_id,
      departmentId: admin.department_id,
      teamId: null,
      locale: 'zh-CN',
      roles: ['admin'],
      permissions: new Set(ALL_PERMISSIONS),
    },
  };

  // Setup (not measured): N customers in the four branches with mobiles, 1% opted out, a static segment of them.
  let t = Date.now();
  const q = (text: string, values: unknown[] = []) => opened.pool.query(text, values);
  await q(
    `insert into customers (code, kind, name, status, branch_id, phone, sms_opt_out)
     select 'B' || lpad(g::text, 8, '0'), 'individual', '客户' || g, 'active', 1 + g % 4,
            '139' || lpad(g::text, 8, '0'), g % 100 = 0
       from generate_series(1, $1::int) g`,
    [targets],
  );
  const seg = await db
    .insertInto('segments')
    .values({ name: 'bench', kind: 'static' } as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  await q(
    `insert into segment_members (segment_id, customer_id) select $1, id from customers where code like 'B%'`,
    [seg.id],
  );
  await q('analyze');
  const setupSeconds = (Date.now() - t) / 1000;

  // 1. Create and start: targets materialised and the SMS step's outbox written (one transaction, set-based).
  t = Date.now();
  const c = await createCampaign(ctx, {
    name: 'bench',
    target: { kind: 'segment', segmentId: seg.id },
    questions: [],
    agents: [],
    steps: [
      {
        channel: 'sms',
        delayDays: 0,
        smsTemplate: '{name}您好，我司将于近期对您进行客户回访，如有疑问请致电 95555。',
      },
      { channel: 'call', delayDays: 3 },
    ],
  });
  const started = await startCampaign(ctx, c.id);
  const generateSeconds = (Date.now() - t) / 1000;
  const stepId = started.steps[0].id;

  // 2. Dispatch the SMS step: claim batches (FOR UPDATE SKIP LOCKED), send with bounded concurrency, record.
  t = Date.now();
  const provider = new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET, sign: '客服' });
  const res = await dispatchOutbox(db, { stepId }, { provider, batchSize, concurrency });
  provider.close();
  const dispatchSeconds = (Date.now() - t) / 1000;

  const counts = await q(
    'select status, count(*)::int as n from sms_outbox where campaign_step_id = $1 group by status',
    [stepId],
  );
  const interactions = await q(
    `select count(*)::int as n from interactions where campaign_id = $1 and channel = 'sms'`,
    [c.id],
  );
  const unique = new Set(gw.messages.map((m) => m.mobile)).size;
  const expected = targets - Math.floor(targets / 100);
  if (gw.messages.length !== expected || unique !== expected)
    throw new Error(`gateway got ${gw.messages.length} messages (${unique} unique), expected ${expected}`);
  clearInterval(sampler);
  const result = {
    targets,
    batchSize,
    concurrency,
    machine: {
      nproc: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
      loadavg: os.loadavg(),
      postgres: version,
    },
    setupSeconds,
    generate: { seconds: generateSeconds, targetsPerSecond: Math.round(targets / generateSeconds) },
    dispatch: {
      seconds: dispatchSeconds,
      messagesPerSecond: Math.round(res.sent / dispatchSeconds),
      batches: res.batches,
      sent: res.sent,
      failed: res.failed,
    },
    totalSeconds: +(generateSeconds + dispatchSeconds).toFixed(2),
    outbox: Object.fromEntries(counts.rows.map((r: any) => [r.status, r.n])),
    timelineEntries: interactions.rows[0].n,
    gateway: { messages: gw.messages.length, unique, requests: gw.requests(), duplicates: gw.duplicates() },
    peakRssMB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1048576),
    heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1048576),
  };
  fs.writeFileSync(path.join(out, `campaign-${targets}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  clearInterval(sampler);
  await gw.close();
  await opened.close();
}
