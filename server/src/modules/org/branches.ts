// Branches other modules may create: an import that names a branch not yet in the organisation (the importer may
// create branches only when every branch is in its scope — the import checks that).
import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';

/**
 * The branch of this code, created (and audited as branch.created with `meta`) when there is none, in the caller's
 * transaction. Returns its id, code and name.
 */
export async function ensureBranch(
  ctx: Ctx,
  b: { code: string; name: string },
  meta: Record<string, unknown>,
) {
  const row = await ctx.db
    .insertInto('branches')
    .values({ code: b.code, name: b.name })
    .onConflict((oc) => oc.column('code').doUpdateSet({ updated_at: sql`now()` }))
    .returning(['id', 'code', 'name'])
    .executeTakeFirstOrThrow();
  await audit(ctx, { action: 'branch.created', entity: 'branch', entityId: row.id, after: row, meta });
  return row;
}
