// A module writes only its own tables (docs/CONTRIBUTING.md, issue 10). Every table has one owner: the module whose
// `tables.ts` declares it (the foundation's tables, declared in db/types.ts, are owned as FOUNDATION says). This
// test walks every module's source for writes — Kysely's insertInto / updateTable / deleteFrom / mergeInto and raw
// SQL's insert into / update / delete from / truncate — and fails on a write to a table another module owns, in the
// spirit of the permission-table test. Other modules change a table through its owner's functions (the owner's
// index.ts: customers.recordInteraction, tasks.createGeneratedTasks …).
//
// FOREIGN_WRITES listed the writes not yet moved behind their owner's functions; it is empty now and must stay so
// (the test also fails when a listed write is gone, so a list could only ever shrink).
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './sources.ts';

/** Owners of the tables db/types.ts declares (the foundation), by the module that writes them. */
const FOUNDATION: Record<string, string> = {
  branches: 'org',
  departments: 'org',
  teams: 'org',
  roles: 'roles',
  users: 'users',
  user_roles: 'users',
  sessions: 'auth', // and platform/auth.ts's createSession, deleteSession, endUserSessions for the others
  audit_log: 'audit',
};

/** Foreign writes still to move behind the owner's functions: `module → table` with the files. Empty: keep it so. */
const FOREIGN_WRITES: Record<string, string> = {};

const moduleOf = (file: string) => /^modules\/([^/]+)\//.exec(file)?.[1] ?? null;

/** Every table → its owner module, from the modules' tables.ts declarations and FOUNDATION. */
function tableOwners(files: { path: string; src: string }[]) {
  const owners = new Map<string, string>(Object.entries(FOUNDATION));
  for (const f of files) {
    if (!/\/tables\.ts$/.test(f.path)) continue;
    const mod = moduleOf(f.path);
    if (!mod) continue;
    for (const block of f.src.matchAll(/export interface \w+Tables \{([^}]*)\}/g))
      for (const m of block[1].matchAll(/^\s*([a-z_]+)\s*:/gm)) {
        const prev = owners.get(m[1]);
        if (prev && prev !== mod) throw new Error(`table ${m[1]} declared by ${prev} and ${mod}`);
        owners.set(m[1], mod);
      }
  }
  return owners;
}

const WRITES =
  /\b(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*['"`]([a-z_]+)|\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?)\s+([a-z_]+)\b(?=[\s(])/gi;

/** The foreign writes of some source files: `module → table` → files. */
function foreignWrites(files: { path: string; src: string }[], owners: Map<string, string>) {
  const found = new Map<string, Set<string>>();
  for (const f of files) {
    const mod = moduleOf(f.path);
    if (!mod || /\.test\.ts$|fixtures\.ts$|permission-cases\.ts$/.test(f.path)) continue;
    // Comments name tables freely ("update the tasks"): only code counts.
    const code = f.src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(WRITES)) {
      const table = (m[1] ?? m[2]).toLowerCase();
      const owner = owners.get(table);
      if (!owner || owner === mod) continue;
      const key = `${mod} → ${table}`;
      if (!found.has(key)) found.set(key, new Set());
      found.get(key)!.add(f.path);
    }
  }
  return found;
}

const sources = () => sourceFiles('modules', /\.ts$/);

describe('a module writes only its own tables', () => {
  it('finds a deliberate foreign write in its own fixture, in both spellings', () => {
    const files = [
      {
        path: 'modules/alpha/tables.ts',
        src: 'export interface AlphaTables {\n  alpha_items: AlphaTable;\n}',
      },
      { path: 'modules/beta/tables.ts', src: 'export interface BetaTables {\n  beta_rows: BetaTable;\n}' },
      {
        path: 'modules/beta/service.ts',
        src: "await db.insertInto('alpha_items').values(v);\nawait db.updateTable('beta_rows').set(v);",
      },
      { path: 'modules/beta/raw.ts', src: 'await sql`update alpha_items set x = 1`.execute(db);' },
      {
        path: 'modules/alpha/service.ts',
        src: "// update beta_rows is only a comment\ndb.selectFrom('beta_rows');",
      },
    ];
    const owners = tableOwners(files);
    expect(owners.get('alpha_items')).toBe('alpha');
    const found = foreignWrites(files, owners);
    expect([...found.keys()]).toEqual(['beta → alpha_items']);
    expect([...found.get('beta → alpha_items')!].sort()).toEqual([
      'modules/beta/raw.ts',
      'modules/beta/service.ts',
    ]);
  });

  it('every table has one owner, and no module writes another’s table beyond the shrinking list', () => {
    const files = sources();
    const owners = tableOwners(files);
    expect(owners.size).toBeGreaterThan(60);
    const found = foreignWrites(files, owners);
    const unlisted = [...found]
      .filter(([k]) => !(k in FOREIGN_WRITES))
      .map(([k, f]) => `${k} (${[...f].join(', ')})`);
    expect(unlisted, 'write through the owner module’s functions (its index.ts)').toEqual([]);
    const gone = Object.keys(FOREIGN_WRITES).filter((k) => !found.has(k));
    expect(gone, 'these writes moved behind their owner: take them off FOREIGN_WRITES').toEqual([]);
  });
});
