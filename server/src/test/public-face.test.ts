// A module has a public face (issue 10): other modules import only its `index.ts`, never a file inside it. Tests,
// fixtures and permission cases may reach inside (they build data); the registries that collect every module's
// routes and jobs (modules/index.ts, modules/outreach.ts) import route files by design until modules declare
// themselves. A deliberate deep import in this test's own fixture is caught.
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './sources.ts';

const REGISTRIES = new Set(['modules/index.ts', 'modules/outreach.ts']);
const EXEMPT = /\.test\.ts$|fixtures\.ts$|permission-cases\.ts$/;

/** `importer → imported file` for every import of another module's file other than its index.ts. */
function deepImports(files: { path: string; src: string }[]) {
  const out: string[] = [];
  for (const f of files) {
    const mod = /^modules\/([^/]+)\//.exec(f.path)?.[1];
    if (!mod || REGISTRIES.has(f.path) || EXEMPT.test(f.path)) continue;
    for (const m of f.src.matchAll(/(?:from\s+|import\(\s*)'(\.\.?\/[^']+)'/g)) {
      const target = normalize(join(dirname(f.path), m[1]))
        .split('\\')
        .join('/');
      const parts = target.split('/');
      if (parts[0] !== 'modules' || parts.length < 3 || parts[1] === mod) continue;
      if (parts.length === 3 && parts[2] === 'index.ts') continue;
      out.push(`${f.path} → ${target}`);
    }
  }
  return out;
}

describe('modules meet through their public face', () => {
  it('catches a deep import in its own fixture, and lets an index import and a test pass', () => {
    const files = [
      {
        path: 'modules/beta/service.ts',
        src: "import { x } from '../alpha/repo.ts';\nimport { y } from '../alpha/index.ts';",
      },
      { path: 'modules/beta/lazy.ts', src: "const { z } = await import('../alpha/service.ts');" },
      { path: 'modules/beta/beta.test.ts', src: "import { x } from '../alpha/repo.ts';" },
      { path: 'modules/alpha/service.ts', src: "import { x } from './repo.ts';" },
    ];
    expect(deepImports(files)).toEqual([
      'modules/beta/service.ts → modules/alpha/repo.ts',
      'modules/beta/lazy.ts → modules/alpha/service.ts',
    ]);
  });

  it('no module imports a file inside another module', () => {
    const files = sourceFiles('modules', /\.ts$/);
    expect(deepImports(files), 'import the module’s index.ts (export what you need there)').toEqual([]);
  });
});
