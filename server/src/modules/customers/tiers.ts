// The value tier on the customer row (set by the tiers module's recomputation): the customers module's own write of
// `tier`, with a history row per changed customer — one set-based statement for any number of customers.
import { type RawBuilder, sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Actor } from '../../platform/permissions.ts';

/**
 * Gives each customer of `assigned` (a query yielding `id`, `old_tier` as read, `new_tier`) its tier where it
 * differs — tier,
 * updated_at, version — and a history row (action 'tier'), in ONE statement. `alsoFrom(changed)` adds the caller's
 * own rows to that statement, from the relation `changed(id, branch_id, old_tier, new_tier)` (the tiers module's
 * tier-change log), so everything commits or nothing does. Returns how many customers were assigned and changed.
 */
export async function applyTiers(
  ctx: Pick<Ctx, 'db'>,
  assigned: RawBuilder<{ id: number; old_tier: string | null; new_tier: string | null }>,
  opts: { actor: Actor | null; alsoFrom?: (changed: RawBuilder<unknown>) => RawBuilder<unknown> },
): Promise<{ customers: number; changed: number }> {
  const also = opts.alsoFrom ? sql`, also as (${opts.alsoFrom(sql`changed`)})` : sql``;
  const r = await sql<{ customers: number; changed: number }>`
    with assigned as (${assigned}), changed as (
      update customers c set tier = a.new_tier, updated_at = now(), version = c.version + 1
        from assigned a
       where c.id = a.id and c.tier is distinct from a.new_tier
      returning c.id, c.branch_id, a.old_tier, a.new_tier
    ), history as (
      insert into customer_history (customer_id, actor_id, actor_name, action, field, old_value, new_value)
      select id, ${opts.actor?.id ?? null}::bigint, ${opts.actor?.displayName ?? null}::text, 'tier', 'tier',
             to_jsonb(old_tier), to_jsonb(new_tier)
        from changed
    )${also}
    select (select count(*) from assigned)::int as customers, (select count(*) from changed)::int as changed`.execute(
    ctx.db,
  );
  return r.rows[0];
}
