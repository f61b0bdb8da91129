// The server's own source files, for the meta-tests that read code (ownership, public face, layers, guards …).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** server/src */
export const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every file under `under` (relative to server/src, default all of it) whose name matches `name`, as its path
 * relative to server/src (with `/`) and its text, in a stable order.
 */
export function sourceFiles(
  under = '',
  name: RegExp = /\.(ts|tsx|js|mjs|cjs)$/,
): { path: string; src: string }[] {
  const out: { path: string; src: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (name.test(e.name))
        out.push({
          path: path.relative(srcDir, p).split(path.sep).join('/'),
          src: fs.readFileSync(p, 'utf8'),
        });
    }
  };
  walk(path.join(srcDir, under));
  return out;
}
