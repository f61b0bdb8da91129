// Owner changes in bulk (a handover of a manager's customers): the customers module's own write of owner_id, with
// the version bump and one history row per customer, for other modules to call in their transaction.
import { type RawBuilder, sql } from 'kysely';
import type { AuthedCtx } from '../../platform/context.ts';

/**
 * Gives each customer of `moves` (a query yielding `customer_id`, `from_user_id`, `to_user_id`) its new owner:
 * owner_id, updated_at/by and version, and a history row (`action`, field ownerId, old → new) naming the actor.
 * The caller has locked the customers and audits its own operation. Returns how many changed.
 */
export async function reassignOwners(
  ctx: AuthedCtx,
  moves: RawBuilder<{ customer_id: number; from_user_id: number | null; to_user_id: number }>,
  action: string,
): Promise<number> {
  const r = await sql`
    with m as (${moves}), u as (
      update customers c set owner_id = m.to_user_id, updated_at = now(), updated_by = ${ctx.actor.id},
             version = c.version + 1
        from m where c.id = m.customer_id
      returning c.id
    )
    insert into customer_history (customer_id, actor_id, actor_name, action, field, old_value, new_value)
    select m.customer_id, ${ctx.actor.id}::bigint, ${ctx.actor.displayName}::text, ${action}, 'ownerId',
           to_jsonb(m.from_user_id), to_jsonb(m.to_user_id)
      from m join u on u.id = m.customer_id`.execute(ctx.db);
  return Number(r.numAffectedRows ?? 0);
}
