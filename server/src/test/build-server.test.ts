// scripts/build-server.mjs on a small copy of the layout (scripts/, server/src, the tsconfig files): it builds when
// a source is newer than the build, a removed source leaves the build with it, a failed build keeps the previous
// one, and two builds started at once compile once.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './cli.ts';

let root: string;
const src = (...p: string[]) => path.join(root, 'server/src', ...p);
const dist = (...p: string[]) => path.join(root, 'server/dist', ...p);

/** Runs build-server.mjs in the copy; the output says whether it compiled ("Building the server"). */
function build(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [path.join(root, 'scripts/build-server.mjs'), ...args],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err.code as number) ?? null) : 0, out: stdout + stderr }),
    ),
  );
}

/** Sets a file's (or folder's) times `s` seconds ahead of now: unambiguously newer than any build so far. */
const later = (p: string, s = 5) => {
  const t = new Date(Date.now() + s * 1000);
  fs.utimesSync(p, t, t);
};

describe('scripts/build-server.mjs', () => {
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-build-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(
      path.join(REPO_ROOT, 'scripts/build-server.mjs'),
      path.join(root, 'scripts/build-server.mjs'),
    );
    for (const f of ['tsconfig.base.json', 'server/tsconfig.json', 'server/tsconfig.build.json']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(root, f));
    }
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    fs.symlinkSync(path.join(REPO_ROOT, 'server/node_modules'), path.join(root, 'server/node_modules'));
    fs.mkdirSync(src('db/migrations'), { recursive: true });
    fs.mkdirSync(src('test'));
    fs.writeFileSync(src('cli.ts'), "import { hello } from './hello.ts';\nconsole.log(hello());\n");
    fs.writeFileSync(src('hello.ts'), "export const hello = () => 'hello';\n");
    fs.writeFileSync(src('db/migrations/20260101_0001_one.ts'), 'export async function up() {}\n');
    fs.writeFileSync(src('db/migrations/20260101_0002_two.ts'), 'export async function up() {}\n');
    fs.writeFileSync(src('hello.test.ts'), 'export {};\n');
    fs.writeFileSync(src('test/helper.ts'), 'export {};\n');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('builds plain JavaScript that node runs, without the tests', async () => {
    const r = await build();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Building the server/);
    expect(fs.readFileSync(dist('cli.js'), 'utf8')).toMatch(/from ["']\.\/hello\.js["']/);
    expect(fs.existsSync(dist('hello.test.js'))).toBe(false);
    expect(fs.existsSync(dist('test'))).toBe(false);
    const run = await new Promise<string>((resolve) =>
      execFile(process.execPath, [dist('cli.js')], (_e, stdout) => resolve(stdout)),
    );
    expect(run.trim()).toBe('hello');
  });

  it('does nothing while the build is current; a test file edited does not count', async () => {
    later(src('hello.test.ts'));
    const r = await build();
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/Building/);
  });

  it('builds again when a source is newer, and a removed source (a migration) leaves the build', async () => {
    fs.writeFileSync(src('hello.ts'), "export const hello = () => 'hello again';\n");
    later(src('hello.ts'));
    fs.rmSync(src('db/migrations/20260101_0002_two.ts'));
    later(src('db/migrations'), 6);
    const r = await build();
    expect(r.out).toMatch(/Building the server/);
    expect(fs.readFileSync(dist('hello.js'), 'utf8')).toContain('hello again');
    expect(fs.readdirSync(dist('db/migrations')).filter((f) => f.endsWith('.js'))).toEqual([
      '20260101_0001_one.js',
    ]);
  });

  it('two builds at once compile once (a lock), and the second finds the build current', async () => {
    later(src('hello.ts'), 10);
    const [a, b] = await Promise.all([build(), build()]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect([a.out, b.out].filter((o) => /Building the server/.test(o))).toHaveLength(1);
    expect(fs.readdirSync(path.join(root, 'server')).filter((f) => f.startsWith('.dist'))).toEqual([]);
  });

  it('a build that fails keeps the previous one and says so', async () => {
    fs.writeFileSync(src('hello.ts'), 'export const hello = () => {{{ ;\n');
    later(src('hello.ts'), 15);
    const r = await build();
    expect(r.code).toBe(0); // the previous build is still there to run
    expect(r.out).toMatch(/failed/);
    expect(r.out).toMatch(/previous server build/);
    expect(fs.readFileSync(dist('hello.js'), 'utf8')).toContain('hello again');
  });
});
