// Saved column mappings of the customer import: a user's own, or shared with everyone who imports.

import { audit } from '../../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { requirePermission } from '../../../platform/permissions.ts';
import { updateVersioned } from '../../../platform/versioned.ts';

export type TMappingInput = { name: string; columns: Record<string, string | null>; shared?: boolean };

const out = (m: {
  id: number;
  name: string;
  columns: unknown;
  shared: boolean;
  owner_id: number;
  updated_at: Date;
  version: number;
}) => ({
  id: m.id,
  name: m.name,
  columns: m.columns as Record<string, string | null>,
  shared: m.shared,
  ownerId: m.owner_id,
  updatedAt: m.updated_at.toISOString(),
  version: m.version,
});

/** The actor's own mappings and the shared ones. */
export async function listMappings(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'customer.import');
  const rows = await ctx.db
    .selectFrom('import_mappings')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', ctx.actor.id), eb('shared', '=', true)]))
    .orderBy('name')
    .limit(200)
    .execute();
  return rows.map(out);
}

export async function findMapping(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'customer.import');
  const m = await ctx.db
    .selectFrom('import_mappings')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => eb.or([eb('owner_id', '=', ctx.actor.id), eb('shared', '=', true)]))
    .executeTakeFirst();
  if (!m) throw notFound('IMPORT_MAPPING_NOT_FOUND', 'Mapping not found');
  return out(m);
}

/** A mapping the actor may change: their own (a shared one only its owner changes, or an administrator). */
async function ownMapping(ctx: AuthedCtx, id: number) {
  const m = await findMapping(ctx, id);
  if (m.ownerId !== ctx.actor.id && !ctx.actor.permissions.has('admin.settings'))
    throw notFound('IMPORT_MAPPING_NOT_FOUND', 'Mapping not found');
  return m;
}

export async function createMapping(ctx: AuthedCtx, input: TMappingInput) {
  requirePermission(ctx.actor, 'customer.import');
  return ctx.db.transaction().execute(async (trx) => {
    const m = await trx
      .insertInto('import_mappings')
      .values({
        name: input.name,
        columns: JSON.stringify(input.columns),
        shared: !!input.shared,
        owner_id: ctx.actor.id,
        branch_id: ctx.actor.branchId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(
      { ...ctx, db: trx },
      { action: 'import_mapping.created', entity: 'import_mapping', entityId: m.id, after: input },
    );
    return out(m);
  });
}

export async function updateMapping(
  ctx: AuthedCtx,
  id: number,
  input: Partial<TMappingInput> & { version: number },
) {
  const before = await ownMapping(ctx, id);
  return withTx(ctx, async (tx) => {
    const { after: m } = await updateVersioned(tx, {
      table: 'import_mappings',
      id,
      version: input.version,
      notFound: ['IMPORT_MAPPING_NOT_FOUND', 'Mapping not found'],
      conflict: { message: 'Someone else changed this mapping; reload it', current: null },
      patch: () => ({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.columns !== undefined && { columns: JSON.stringify(input.columns) }),
        ...(input.shared !== undefined && { shared: input.shared }),
      }),
      audit: {
        action: 'import_mapping.updated',
        entity: 'import_mapping',
        record: (_b, m) => ({ before, after: out(m) }),
      },
    });
    return out(m);
  });
}

export async function deleteMapping(ctx: AuthedCtx, id: number) {
  const before = await ownMapping(ctx, id);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('import_mappings').where('id', '=', id).execute();
    await audit(
      { ...ctx, db: trx },
      { action: 'import_mapping.deleted', entity: 'import_mapping', entityId: id, before },
    );
  });
}
