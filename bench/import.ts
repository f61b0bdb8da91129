// Import benchmark: `kefu import customers` of N rows from a CSV file, against a raw PostgreSQL COPY of the same
// file into a bare table (all text, no index) on the same server in the same run — the physical limit.
//   node --import tsx bench/import.ts [rows=1000000]
// Data: bench/out/import-N.csv (generated once); database: a fresh embedded PostgreSQL in /tmp/kefu-bench-import
// (KEFU_BENCH_IMPORT_DIR to change). Prints a JSON result and writes bench/out/import-N.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import copyStreams from 'pg-copy-streams';
import { loadConfig } from '../server/src/config.ts';
import { chineseName, demoIdNumber, demoMobile, rng } from '../server/src/demo/customers.ts';
import { loadDemoOrganisation } from '../server/src/demo/foundation.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const out = path.join(root, 'bench/out');
fs.mkdirSync(out, { recursive: true });
const file = path.join(out, `import-${rows}.csv`);
const dataDir = process.env.KEFU_BENCH_IMPORT_DIR ?? '/tmp/kefu-bench-import';

const HEADER = [
  '客户编号',
  '客户姓名',
  '证件类型',
  '证件号码',
  '手机号码',
  '备用电话',
  '营业部',
  '客户经理',
  '风险承受能力等级',
  '投资目的',
  '资产规模',
  '常做品种',
  '联系地址',
];
const BRANCHES = ['BJ01', 'SH01', 'SZ01', '北京朝阳营业部'];
const OWNERS = ['manager', 'sh_manager', '', ''];
const PRODUCTS = ['螺纹钢', '铜', '豆粕', '铁矿石', '黄金', '原油'];
const REGIONS = ['110105', '310115', '440304', '330106'];

function makeFile() {
  if (fs.existsSync(file)) return;
  const r = rng(42);
  const fd = fs.openSync(`${file}.tmp`, 'w');
  let buf = `${HEADER.join(',')}\r\n`;
  for (let i = 1; i <= rows; i++) {
    const id = demoIdNumber(r, REGIONS[i % 4]);
    buf += `${[
      `I${String(i).padStart(8, '0')}`,
      chineseName(r),
      '身份证',
      id.id,
      demoMobile(r),
      i % 3 === 0 ? demoMobile(r) : '',
      BRANCHES[i % 4],
      OWNERS[i % 4],
      `C${1 + (i % 5)}`,
      i % 7 === 0 ? '套保' : '投机',
      (Math.floor(r() * 1e7) / 100).toFixed(2),
      `"${PRODUCTS[i % 6]},${PRODUCTS[(i + 2) % 6]}"`,
      `上海市浦东新区世纪大道${i % 999}号`,
    ].join(',')}\r\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(cmd, args, { env, cwd: root });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

makeFile();
const bytes = fs.statSync(file).size;
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
const opened = await openDatabase(loadConfig({ ...process.env, KEFU_DATA_DIR: dataDir, DATABASE_URL: '' }));
try {
  await loadDemoOrganisation(opened.owner.db);
  const version = (await opened.pool.query('select version()')).rows[0].version as string;

  // 1. The physical limit: COPY of the same file into a bare table.
  const client = await opened.pool.connect();
  await client.query(
    `create unlogged table if not exists bench_raw (${HEADER.map((_, i) => `c${i} text`).join(', ')})`,
  );
  await client.query('alter table bench_raw set logged');
  let t = Date.now();
  await pipeline(
    fs.createReadStream(file),
    client.query(copyStreams.from(`copy bench_raw from stdin with (format csv, header true)`)),
  );
  const copySeconds = (Date.now() - t) / 1000;
  await client.query('drop table bench_raw');
  client.release();

  // 2. kefu import customers FILE, as a user would run it, with its peak memory.
  t = Date.now();
  const res = await run(
    '/usr/bin/time',
    ['-v', process.execPath, path.join(root, 'scripts/kefu.mjs'), 'import', 'customers', file, '--json'],
    { ...process.env, DATABASE_URL: opened.url, LOG_LEVEL: 'warn' },
  );
  const importSeconds = (Date.now() - t) / 1000;
  if (res.code !== 0) throw new Error(`kefu import failed: ${res.stderr.slice(-2000)}`);
  const summary = JSON.parse(res.stdout);
  const maxRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr)?.[1] ?? 0);
  const cpuSeconds =
    Number(/User time \(seconds\): ([\d.]+)/.exec(res.stderr)?.[1] ?? 0) +
    Number(/System time \(seconds\): ([\d.]+)/.exec(res.stderr)?.[1] ?? 0);

  const result = {
    rows,
    fileMB: +(bytes / 1048576).toFixed(1),
    machine: {
      nproc: os.cpus().length,
      memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
      loadavg: os.loadavg(),
      postgres: version,
    },
    rawCopy: { seconds: copySeconds, rowsPerSecond: Math.round(rows / copySeconds) },
    kefuImport: {
      seconds: importSeconds,
      rowsPerSecond: Math.round(rows / importSeconds),
      created: summary.created,
      updated: summary.updated,
      rejected: summary.rejected,
      peakRssMB: Math.round(maxRssKb / 1024),
      /** CPU time of the kefu process itself (the rest of the wall time is PostgreSQL's). */
      nodeCpuSeconds: +cpuSeconds.toFixed(1),
    },
    ratioToCopy: +(copySeconds / importSeconds).toFixed(3),
  };
  fs.writeFileSync(path.join(out, `import-${rows}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await opened.close();
}
