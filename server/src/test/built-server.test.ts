// Production runs the compiled server: `kefu serve` (scripts/kefu.mjs) starts node on server/dist/cli.js, built by
// scripts/build-server.mjs when the sources are newer, with no TypeScript loader (tsx) in the server's process.
// This builds server/dist if it is stale (a whole build takes ~10–30 s), then starts the built server on an empty
// database: its migrations, found in server/dist, must bring it to exactly the migrations the sources know.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownMigrations } from '../db/migrate.ts';
import { KEFU, kefuEnv, REPO_ROOT, type ServerProcess, startServer, stopServer, tempDataDir } from './cli.ts';
import { createEmptyDb } from './db.ts';

const DIST = path.join(REPO_ROOT, 'server/dist');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));

/** The process's argv and environment, from /proc. */
const procArgs = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
const procEnv = (pid: number) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
const children = (pid: number) =>
  fs
    .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

describe('the built server (server/dist)', () => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    const built = await new Promise<{ code: number | null; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(REPO_ROOT, 'scripts/build-server.mjs')],
        { cwd: REPO_ROOT, timeout: 110_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err.code as number) ?? null) : 0, out: stdout + stderr }),
      ),
    );
    expect(built.code, built.out).toBe(0);
    db = await createEmptyDb();
  }, 120_000);

  afterAll(async () => {
    await stopServer(server);
    await db?.drop();
  });

  it('holds JavaScript for every source but tests and their helpers, and every migration', async () => {
    const built = files(DIST).map((f) => path.relative(DIST, f));
    expect(built).toContain('cli.js');
    expect(built.filter((f) => f.endsWith('.ts'))).toEqual([]);
    // What the build leaves out (scripts/build-server.mjs does not watch those for changes) stays out.
    expect(built.filter((f) => /\.test\.js$|^test\/|(^|\/)(permission-cases|fixtures)\.js$/.test(f))).toEqual(
      [],
    );
    const migrations = built
      .filter((f) => /^db\/migrations\/[^/]+\.js$/.test(f))
      .map((f) => path.basename(f, '.js'))
      .sort();
    expect(migrations).toEqual(await knownMigrations());
  });

  it('`kefu serve` runs node on server/dist/cli.js without tsx, migrates an empty database and is healthy', async () => {
    server = await startServer(tempDataDir('kefu-built-'), await freePort(), {
      env: { DATABASE_URL: db.url, KEFU_JOBS: 'false', KEFU_FROM_SOURCE: '' },
      timeoutMs: 150_000, // a source saved since beforeAll makes kefu.mjs build again first
      command: [KEFU, 'serve'],
    });
    // kefu.mjs passes signals on to its one child, the server.
    const [pid] = children(server.child.pid!);
    const argv = procArgs(pid);
    expect(argv.slice(1)).toEqual(['--enable-source-maps', path.join(DIST, 'cli.js'), 'serve']);
    expect(argv.join(' ')).not.toMatch(/tsx/);
    expect(procEnv(pid).filter((v) => /^NODE_OPTIONS=.*tsx/.test(v))).toEqual([]);
    expect(procEnv(pid).filter((v) => /^KEFU_FROM_SOURCE=./.test(v))).toEqual([]);
    // tsx would have started esbuild's service next to the embedded PostgreSQL.
    const names = children(pid).map((c) => fs.readFileSync(`/proc/${c}/comm`, 'utf8').trim());
    expect(names.filter((n) => /esbuild/.test(n))).toEqual([]);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const ran = await c.query<{ name: string }>('select name from kysely_migration order by name');
    await c.end();
    expect(ran.rows.map((r) => r.name)).toEqual(await knownMigrations());

    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    // server/dist/app.js finds the web app's build where server/src/app.ts does.
    if (fs.existsSync(path.join(REPO_ROOT, 'web/dist/index.html'))) {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    }
    await stopServer(server);
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('kefuEnv runs the sources (tsx) for the other tests, as before', () => {
    expect(kefuEnv({}).KEFU_FROM_SOURCE).toBe('1');
  });
});
