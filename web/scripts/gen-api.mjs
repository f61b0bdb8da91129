#!/usr/bin/env node
// Generates src/app/api/openapi.json (from the server's route schemas) and src/app/api/schema.d.ts (its types).
// References the server's document cannot resolve (recursive zod schemas lose their definitions on the way to
// OpenAPI) become "any value" so the rest still types; each is reported.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(web, '..');
const out = path.join(web, 'src/app/api/openapi.json');
const bin = (name) =>
  [path.join(web, 'node_modules/.bin', name), path.join(root, 'node_modules/.bin', name)].find(fs.existsSync);

execFileSync(bin('tsx'), [path.join(root, 'server/src/cli.ts'), 'openapi', '--out', out], {
  stdio: 'inherit',
  cwd: root,
});

const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
const resolves = (ref) => {
  if (!ref.startsWith('#/')) return true;
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    if (node === undefined) return false;
  }
  return true;
};
let fixed = 0;
const walk = (node) => {
  if (Array.isArray(node)) return node.forEach(walk);
  if (!node || typeof node !== 'object') return;
  if (typeof node.$ref === 'string' && !resolves(node.$ref)) {
    delete node.$ref;
    node.description ??= 'recursive schema (not expanded here)';
    fixed++;
  }
  Object.values(node).forEach(walk);
};
walk(doc);
if (fixed) {
  process.stderr.write(`gen:api: ${fixed} unresolvable $ref(s) typed as any value\n`);
  fs.writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
}

execFileSync(bin('openapi-typescript'), [out, '-o', path.join(web, 'src/app/api/schema.d.ts')], {
  stdio: 'inherit',
  cwd: web,
});
