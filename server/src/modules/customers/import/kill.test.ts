// Acceptance: an import killed half-way (SIGKILL, after some batches committed) leaves no half-written customer,
// and running it again ends with exactly the rows of one clean run (compared with a clean import into a second
// database).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoOrganisation } from '../../../demo/foundation.ts';
import { CLI_TS, kefuEnv, REPO_ROOT, runKefu, tempDataDir } from '../../../test/cli.ts';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { mobile, validIdNumber } from './fixtures.ts';

const ROWS = 20_000;
let killed: TestDb;
let clean: TestDb;
let dir: string;
let file: string;

beforeAll(async () => {
  killed = await createTestDb();
  clean = await createTestDb();
  await loadDemoOrganisation(killed.db);
  await loadDemoOrganisation(clean.db);
  dir = tempDataDir('kefu-import-kill-');
  file = path.join(dir, 'customers.csv');
  const branches = ['BJ01', 'SH01', 'SZ01', '总部'];
  let text = '客户编号,客户姓名,证件号码,手机号码,营业部,风险承受能力等级,常做品种\r\n';
  for (let i = 1; i <= ROWS; i++)
    text += `K${String(i).padStart(6, '0')},客户${i},${validIdNumber(i)},${mobile(i)},${branches[i % 4]},C${1 + (i % 5)},"铜,螺纹钢"\r\n`;
  // A code that repeats later in the file: the later row wins, in both runs.
  text += `K000001,客户一改,${validIdNumber(1)},${mobile(99)},BJ01,C5,豆粕\r\n`;
  fs.writeFileSync(file, text);
});
afterAll(async () => {
  await killed?.close();
  await clean?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const customers = (t: TestDb) =>
  sql<{ r: string }>`
    select (code, kind, name, status, branch_id, owner_id, id_type, id_number, gender, birth_date, phone,
            risk_level, profile, custom, tags, search_grams)::text as r
      from customers order by code`
    .execute(t.db)
    .then((x) => x.rows.map((r) => r.r));
const count = async (t: TestDb, table: 'customers' | 'customer_history') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a killed import', () => {
  it('re-run after SIGKILL converges to exactly the rows of one clean run', {
    timeout: 600_000,
  }, async () => {
    const args = ['--import', 'tsx', CLI_TS, 'import', 'customers', file, '--batch-size', '500', '--json'];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: kefuEnv({ DATABASE_URL: killed.url }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise((r) => child.once('exit', r));
    // Kill it once a few batches have committed, well before the end.
    const deadline = Date.now() + 300_000;
    let committed = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      committed = await count(killed, 'customers');
      if (committed >= 2000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const partial = await count(killed, 'customers');
    expect(partial, stderr).toBeGreaterThanOrEqual(2000);
    expect(partial).toBeLessThan(ROWS);
    expect(partial % 500).toBe(0); // whole batches only: no half-written batch
    const job = await killed.db.selectFrom('import_jobs').selectAll().executeTakeFirstOrThrow();
    expect(job.status).toBe('running'); // it never finished
    expect(job.rows_created).toBe(partial); // the job's counters committed with the rows

    const again = await runKefu(
      ['import', 'customers', file, '--json'],
      { DATABASE_URL: killed.url },
      300_000,
    );
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ rowsRead: ROWS + 1, rejected: 0 });
    expect(summary.created).toBe(ROWS - partial);

    const cleanRun = await runKefu(
      ['import', 'customers', file, '--json'],
      { DATABASE_URL: clean.url },
      300_000,
    );
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    expect(JSON.parse(cleanRun.stdout)).toMatchObject({ created: ROWS, updated: 1, rejected: 0 });

    expect(await count(killed, 'customers')).toBe(ROWS);
    const [a, b] = [await customers(killed), await customers(clean)];
    expect(a.length).toBe(ROWS);
    expect(a).toEqual(b);
    expect(a[0]).toContain('客户一改');
    // The history tells the same story: the repeated row's change, once.
    expect(await count(killed, 'customer_history')).toBe(await count(clean, 'customer_history'));
  });
});
