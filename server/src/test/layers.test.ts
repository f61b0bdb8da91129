// Layers as docs/CONTRIBUTING.md says: a module's route files (modules/**/routes.ts, *-routes.ts) only declare
// routes and call the module's service functions; query building and SQL live in its repo/service files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const modulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../modules');

/** Route files allowed to hold SQL for now, with the reason. Empty: this list only shrinks. */
const EXCEPTIONS: Record<string, string> = {};

const SQL_MARKERS = ['selectFrom(', 'insertInto(', 'updateTable(', 'deleteFrom(', 'sql`', '.execute('];

const isRouteFile = (name: string) => name === 'routes.ts' || name.endsWith('-routes.ts');

/** Every route file under dir, as path relative to dir. */
function routeFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (isRouteFile(e.name)) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** `file:line: marker` for each query builder call or SQL template in the route files under dir. */
function sqlInRoutes(dir: string): string[] {
  const found: string[] = [];
  for (const rel of routeFiles(dir)) {
    const lines = fs.readFileSync(path.join(dir, rel), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of SQL_MARKERS) if (line.includes(m)) found.push(`${rel}:${i + 1}: ${m}`);
    });
  }
  return found;
}

describe('layers', () => {
  it('no route file of a module holds query building or SQL', () => {
    expect(routeFiles(modulesDir).length).toBeGreaterThan(10);
    const offenders = sqlInRoutes(modulesDir).filter((o) => !(o.slice(0, o.indexOf(':')) in EXCEPTIONS));
    expect(offenders).toEqual([]);
  });

  it('the exceptions are still route files holding SQL (a cleaned one leaves the list)', () => {
    const holding = new Set(sqlInRoutes(modulesDir).map((o) => o.slice(0, o.indexOf(':'))));
    expect(Object.keys(EXCEPTIONS).filter((f) => !holding.has(f))).toEqual([]);
  });

  it('catches a deliberate query in a routes.ts and a *-routes.ts, and leaves a repo.ts alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-layers-'));
    try {
      fs.mkdirSync(path.join(dir, 'x/sub'), { recursive: true });
      const query = "export const q = (db) => db.selectFrom('x').selectAll().execute();\n";
      fs.writeFileSync(path.join(dir, 'x/routes.ts'), `// routes\n${query}`);
      fs.writeFileSync(path.join(dir, 'x/sub/sms-routes.ts'), 'const v = sql`select 1`;\n');
      fs.writeFileSync(path.join(dir, 'x/repo.ts'), query);
      fs.writeFileSync(path.join(dir, 'x/clean-routes.ts'), 'export const r = () => list(ctx);\n');
      expect(sqlInRoutes(dir)).toEqual([
        'x/routes.ts:2: selectFrom(',
        'x/routes.ts:2: .execute(',
        'x/sub/sms-routes.ts:1: sql`',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
