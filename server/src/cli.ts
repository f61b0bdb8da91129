#!/usr/bin/env node
// The kefu command: serve, migrate, users, demo data, backup and restore, the OpenAPI document.
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { sql } from 'kysely';
import { buildApp } from './app.ts';
import { registerExtraCommands } from './cli-extra.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirInUseError } from './db/embedded.ts';
import { createDb, createPool } from './db/index.ts';
import { DEMO_PASSWORD, loadDemo } from './demo/index.ts';
import { audit } from './platform/audit.ts';
import { hashPassword, passwordProblem } from './platform/auth.ts';
import { openDatabase } from './platform/bootstrap.ts';
import { withTx } from './platform/context.ts';

const program = new Command('kefu').description('Kefu (客服) customer service system').showHelpAfterError();
const say = (m: string) => process.stderr.write(`${m}\n`);
const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

function printDemoLogins(
  url: string,
  users: { username: string; displayName: string; role: string; branch: string }[],
) {
  say('');
  say(`  Kefu is running at ${url}`);
  say(`  Demo sign-in: admin / ${DEMO_PASSWORD}   (every demo user has this password)`);
  say(`  Demo users: ${users.map((u) => `${u.username} (${u.role}, ${u.branch})`).join(', ')}`);
  say('');
}

program
  .command('serve')
  .description('start the server (embedded PostgreSQL unless DATABASE_URL is set)')
  .option('--demo', 'load demo data first when the database has no users')
  .option('--customers <n>', 'with --demo: how many demo customers', int)
  .action(async (opts) => {
    const config = loadConfig();
    const { serve } = await import('./main.ts');
    let demoUsers: Awaited<ReturnType<typeof loadDemo>>['users'] | undefined;
    await serve(config, {
      beforeListen: async (db) => {
        if (opts.demo)
          demoUsers = (await loadDemo(db, { customers: opts.customers, onProgress: progressPrinter() }))
            .users;
      },
    });
    const url = config.publicUrl ?? `http://localhost:${config.port}`;
    if (demoUsers) printDemoLogins(url, demoUsers);
    else say(`Kefu is running at ${url}`);
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    const opened = await openDatabase(loadConfig(), { log: say });
    await opened.close();
    say(`database is up to date${opened.appRole ? `; the app connects as ${opened.appRole}` : ''}`);
    for (const w of opened.warnings) say(`warning: ${w}`);
  });

program
  .command('demo')
  .description(
    'load demo data: branches, departments, users of every role (and customers where modules add them)',
  )
  .option('--customers <n>', 'how many demo customers', int)
  .action(async (opts) => {
    const opened = await openDatabase(loadConfig(), { log: say });
    try {
      const res = await loadDemo(opened.owner.db, {
        customers: opts.customers,
        onProgress: progressPrinter(),
      });
      say(
        res.created ? 'demo data loaded' : 'the database already has users: demo organisation left as it is',
      );
      say(
        `Sign in as admin / ${DEMO_PASSWORD}; users: ${res.users.map((u) => `${u.username} (${u.role})`).join(', ')}`,
      );
    } finally {
      await opened.close();
    }
  });

const user = program.command('user').description('manage staff accounts');
user
  .command('create')
  .description('create a staff account (the first administrator, for example)')
  .requiredOption('--username <name>', 'sign-in name')
  .requiredOption('--password <password>', 'at least 8 characters with letters and digits')
  .option('--name <display>', 'display name')
  .option('--admin', 'give the administrator role')
  .option('--role <code...>', 'role codes (agent, supervisor …)')
  .option('--branch <code>', 'branch code (default: the first branch; created as 总部/HQ when there is none)')
  .option('--department <code>', 'department code (default: the first one)')
  .action(async (opts) => {
    const problem = passwordProblem(opts.password);
    if (problem)
      throw new InvalidArgumentError(`password: ${problem} (at least 8 characters, with letters and digits)`);
    const opened = await openDatabase(loadConfig(), { log: say });
    try {
      const roles: string[] = [...(opts.admin ? ['admin'] : []), ...(opts.role ?? [])];
      const passwordHash = await hashPassword(opts.password);
      await withTx({ db: opened.db, actor: null, ip: null, userAgent: 'kefu-cli' }, async (tx) => {
        let branch = opts.branch
          ? await tx.db
              .selectFrom('branches')
              .select(['id'])
              .where('code', '=', opts.branch)
              .executeTakeFirst()
          : await tx.db.selectFrom('branches').select(['id']).orderBy('id').limit(1).executeTakeFirst();
        if (!branch && opts.branch) throw new Error(`no branch with code ${opts.branch}`);
        branch ??= await tx.db
          .insertInto('branches')
          .values({ code: 'HQ', name: '总部' })
          .returning(['id'])
          .executeTakeFirstOrThrow();
        let dept = opts.department
          ? await tx.db
              .selectFrom('departments')
              .select(['id'])
              .where('code', '=', opts.department)
              .executeTakeFirst()
          : await tx.db.selectFrom('departments').select(['id']).orderBy('id').limit(1).executeTakeFirst();
        if (!dept && opts.department) throw new Error(`no department with code ${opts.department}`);
        dept ??= await tx.db
          .insertInto('departments')
          .values({ code: 'IT', name: '信息技术部', kind: 'it' })
          .returning(['id'])
          .executeTakeFirstOrThrow();
        const taken = await tx.db
          .selectFrom('users')
          .select('id')
          .where(sql`lower(username)`, '=', opts.username.toLowerCase())
          .executeTakeFirst();
        if (taken) throw new Error(`the username ${opts.username} is taken`);
        const u = await tx.db
          .insertInto('users')
          .values({
            username: opts.username,
            display_name: opts.name ?? opts.username,
            branch_id: branch.id,
            department_id: dept.id,
            password_hash: passwordHash,
          })
          .returning(['id', 'branch_id'])
          .executeTakeFirstOrThrow();
        for (const code of roles) {
          const role = await tx.db
            .selectFrom('roles')
            .select('id')
            .where('code', '=', code)
            .executeTakeFirst();
          if (!role) throw new Error(`no role ${code}`);
          await tx.db.insertInto('user_roles').values({ user_id: u.id, role_id: role.id }).execute();
        }
        await audit(tx, {
          action: 'user.created',
          entity: 'user',
          entityId: u.id,
          branchId: u.branch_id,
          after: { username: opts.username, roles },
          meta: { via: 'cli' },
        });
      });
      say(`user ${opts.username} created${roles.length ? ` with roles ${roles.join(', ')}` : ''}`);
    } finally {
      await opened.close();
    }
  });

program
  .command('openapi')
  .description('write the OpenAPI document as GET /api/openapi.json serves it (no database needed)')
  .option('--out <file>', 'file to write (default: standard output)')
  .action(async (opts) => {
    const pool = createPool('postgres://nobody@127.0.0.1:1/none', 1);
    const app = await buildApp({
      db: createDb(pool),
      config: loadConfig({ ...process.env, DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }),
    });
    await app.ready();
    // Exactly what GET /api/openapi.json answers (compact JSON).
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).body;
    if (opts.out) {
      fs.mkdirSync(path.dirname(opts.out), { recursive: true });
      fs.writeFileSync(opts.out, doc);
    } else process.stdout.write(doc);
    await app.close();
    await pool.end();
  });

/** A progress bar on a terminal; plain lines otherwise. */
export function progressPrinter() {
  let last = 0;
  return (done: number, total: number, label: string) => {
    const now = Date.now();
    if (done < total && now - last < 200) return;
    last = now;
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (process.stderr.isTTY) {
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${label} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${pct}% ${done}/${total}`,
      );
      if (done >= total) process.stderr.write('\n');
    } else if (done >= total || pct % 10 === 0) say(`${label}: ${done}/${total}`);
  };
}

registerExtraCommands(program);

program.parseAsync().catch((e) => {
  if (e instanceof ConfigError || e instanceof DataDirInUseError) say(e.message);
  else say(`kefu: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.KEFU_DEBUG) console.error(e);
  process.exit(1);
});
