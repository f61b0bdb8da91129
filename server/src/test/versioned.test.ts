import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './sources.ts';

const _srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Files not converted yet, each with its reason. The list only shrinks: an entry whose file no longer writes the
 * pattern fails the test below, so it is taken out when the file is converted.
 */
const NOT_YET: Record<string, string> = {
  'modules/segments/service.ts': 'being edited by another change this session',
  'modules/tickets/service.ts':
    'being edited by another change this session; its lockForWrite (by ticket visibility) and bump() serve ~16 writes',
};

// `version: sql\`version + 1\``, `version = c.version + 1`, `version: before.version + 1`
const BUMP = /\bversion\s*[:=]\s*(?:sql\s*`\s*)?(?:\w+\.)?version\s*\+\s*1\b/;
// `row.version !== version`, `version !== t.version`, `.where('version', '=', input.version)`
const COMPARE = /\.version\s*!==?|!==?\s*(?:\w+\.)?version\b|\.where\(\s*['"]version['"]\s*,\s*['"]=['"]/;
// The 409 of a stale version answered by hand (the check here, the bump in another file) is a copy too.
const OWN_409 = /\b(?:conflict|AppError)\(\s*['"]VERSION_CONFLICT['"]/;

/**
 * Whether a source text writes the versioned update out itself: a bump and a version check in one file, or its
 * own VERSION_CONFLICT.
 */
function writesVersionedUpdate(text: string): boolean {
  // Comments and the text of API descriptions do not count: only code.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return (BUMP.test(code) && COMPARE.test(code)) || OWN_409.test(code);
}

/** Module sources (tests excluded), as [path relative to server/src, text]. */
const moduleSources = (): [string, string][] =>
  sourceFiles('modules', /^(?!.*\.test\.ts$).*\.ts$/).map((f) => [f.path, f.src]);

describe('the locked versioned update is written once (platform/versioned.ts)', () => {
  it('catches a deliberate copy, and not a call of updateVersioned or a bulk bump', () => {
    const copy = `
      export async function updateThing(ctx: AuthedCtx, id: number, input: { name?: string; version: number }) {
        return withTx(ctx, async (tx) => {
          const before = await tx.db.selectFrom('things').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
          if (!before) throw notFound('THING_NOT_FOUND', 'Thing not found');
          if (before.version !== input.version)
            throw conflict('VERSION_CONFLICT', 'Someone else changed this thing', { current: before.version });
          const after = await tx.db
            .updateTable('things')
            .set({ name: input.name, updated_at: sql\`now()\`, version: sql\`version + 1\` })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(tx, { action: 'thing.updated', entity: 'thing', entityId: id, ...diff(before, after) });
        });
      }`;
    expect(writesVersionedUpdate(copy)).toBe(true);
    // The other spellings: an optimistic where-version update, a raw-SQL bump with a reversed comparison.
    expect(
      writesVersionedUpdate(
        "await trx.updateTable('m').set({ version: before.version + 1 }).where('version', '=', input.version)",
      ),
    ).toBe(true);
    expect(
      writesVersionedUpdate(
        'if (input.version !== row.version) throw stale();\nawait sql`update t set version = t.version + 1`',
      ),
    ).toBe(true);
    const converted = `
      await updateVersioned(tx, {
        table: 'things', id, version: input.version,
        notFound: ['THING_NOT_FOUND', 'Thing not found'],
        conflict: { message: 'Someone else changed this thing' },
        patch: () => ({ name: input.name }),
        audit: { action: 'thing.updated', entity: 'thing' },
      });`;
    expect(writesVersionedUpdate(converted)).toBe(false);
    // The check written here, the bump left in a repository function of another file.
    expect(
      writesVersionedUpdate(
        "if (stale) throw new AppError(\n  'VERSION_CONFLICT',\n  409,\n  'Someone else changed this customer',\n);",
      ),
    ).toBe(true);
    // A bump without a client's version (a batch job, a handover) is not the pattern.
    expect(writesVersionedUpdate('await sql`update tasks t set version = t.version + 1 from moves m`')).toBe(
      false,
    );
  });

  it('no module file writes it out, but the listed ones not converted yet', () => {
    const offenders = moduleSources()
      .filter(([rel, text]) => !(rel in NOT_YET) && writesVersionedUpdate(text))
      .map(([rel]) => rel);
    expect(offenders).toEqual([]);
  });

  it('the list of files not converted yet only shrinks: each still writes the pattern', () => {
    const texts = new Map(moduleSources());
    const stale = Object.keys(NOT_YET).filter((rel) => !writesVersionedUpdate(texts.get(rel) ?? ''));
    expect(stale).toEqual([]);
  });
});
