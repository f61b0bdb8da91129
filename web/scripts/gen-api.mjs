#!/usr/bin/env node
// Generates src/app/api/openapi.json (the document the server serves at GET /api/openapi.json, pretty-printed) and
// src/app/api/schema.d.ts (its types, by openapi-typescript). Nothing is repaired on the way: the document must be
// valid as served (server/src/test/openapi-document.test.ts checks that, and that the committed files are current).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(web, '..');
export const outputs = {
  json: path.join(web, 'src/app/api/openapi.json'),
  types: path.join(web, 'src/app/api/schema.d.ts'),
};

/** The committed openapi.json for a document. */
export const renderJson = (doc) => `${JSON.stringify(doc, null, 2)}\n`;

/** The committed schema.d.ts for a document. */
export async function renderTypes(doc) {
  return `${COMMENT_HEADER}${astToString(await openapiTS(structuredClone(doc)))}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bin = (name) =>
    [path.join(web, 'node_modules/.bin', name), path.join(root, 'node_modules/.bin', name)].find(
      fs.existsSync,
    );
  // `kefu openapi` writes exactly what GET /api/openapi.json answers.
  const served = execFileSync(bin('tsx'), [path.join(root, 'server/src/cli.ts'), 'openapi'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const doc = JSON.parse(served.toString('utf8'));
  fs.mkdirSync(path.dirname(outputs.json), { recursive: true });
  fs.writeFileSync(outputs.json, renderJson(doc));
  fs.writeFileSync(outputs.types, await renderTypes(doc));
  process.stdout.write(
    `gen:api: ${Buffer.byteLength(served)} bytes served, ${Object.keys(doc.paths).length} paths\n`,
  );
}
