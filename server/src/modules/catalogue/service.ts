// The service catalogue (服务产品化): items (what is done, how often, by whom, at what cost, and what "done" means),
// packages that bundle them (basic / value-added / VIP / care 亲情服务), bound to value tiers or segments. A
// customer is entitled to a package when their tier is bound to it or they are in a bound segment.
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import { assertCustomerVisible } from '../customers/index.ts';
import { segmentCustomerQuery } from '../segments/index.ts';
import { periodOf } from './periods.ts';
import type { Frequency } from './tables.ts';

export type ItemInput = {
  code: string;
  name: string;
  description?: string | null;
  channel: string;
  frequency: Frequency;
  ownerDepartmentId?: number | null;
  unitCost?: number;
  standard?: string | null;
  taskKind?: string;
  assignTo?: 'owner' | 'department';
  createsTasks?: boolean;
  active?: boolean;
};

export function itemOut(r: any) {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    channel: r.channel,
    frequency: r.frequency,
    ownerDepartmentId: r.owner_department_id,
    unitCost: Number(r.unit_cost),
    standard: r.standard,
    taskKind: r.task_kind,
    assignTo: r.assign_to,
    createsTasks: r.creates_tasks,
    active: r.active,
    version: r.version,
  };
}

const itemColumns = (i: Partial<ItemInput>) => ({
  ...(i.code !== undefined && { code: i.code }),
  ...(i.name !== undefined && { name: i.name }),
  ...(i.description !== undefined && { description: i.description }),
  ...(i.channel !== undefined && { channel: i.channel }),
  ...(i.frequency !== undefined && { frequency: i.frequency }),
  ...(i.ownerDepartmentId !== undefined && { owner_department_id: i.ownerDepartmentId }),
  ...(i.unitCost !== undefined && { unit_cost: i.unitCost }),
  ...(i.standard !== undefined && { standard: i.standard }),
  ...(i.taskKind !== undefined && { task_kind: i.taskKind }),
  ...(i.assignTo !== undefined && { assign_to: i.assignTo }),
  ...(i.createsTasks !== undefined && { creates_tasks: i.createsTasks }),
  ...(i.active !== undefined && { active: i.active }),
});

function checkItem(i: Partial<ItemInput>) {
  if (i.assignTo === 'department' && i.ownerDepartmentId === null)
    throw badRequest('DEPARTMENT_REQUIRED', 'A department desk item needs an owner department', {
      ownerDepartmentId: 'REQUIRED',
    });
}

export async function listItems(ctx: AuthedCtx) {
  const rows = await ctx.db.selectFrom('service_items').selectAll().orderBy('code').execute();
  return rows.map(itemOut);
}

export async function createItem(ctx: AuthedCtx, input: ItemInput) {
  requirePermission(ctx.actor, 'service.manage');
  checkItem(input);
  if (input.assignTo === 'department' && input.ownerDepartmentId == null)
    throw badRequest('DEPARTMENT_REQUIRED', 'A department desk item needs an owner department', {
      ownerDepartmentId: 'REQUIRED',
    });
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('service_items')
      .values(
        itemColumns(input) as ItemInput & {
          code: string;
          name: string;
          channel: string;
          frequency: Frequency;
        },
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'service_item.created', entity: 'service_item', entityId: row.id, after: row });
    return itemOut(row);
  });
}

export async function updateItem(
  ctx: AuthedCtx,
  id: number,
  input: Partial<ItemInput> & { version: number },
) {
  requirePermission(ctx.actor, 'service.manage');
  checkItem(input);
  return withTx(ctx, async (tx) => {
    const { version: _v, ...rest } = input;
    const { after } = await updateVersioned(tx, {
      table: 'service_items',
      id,
      version: input.version,
      notFound: ['SERVICE_ITEM_NOT_FOUND', 'Service item not found'],
      conflict: { message: 'Someone else changed this item; reload and try again' },
      patch: () => itemColumns(rest),
      audit: { action: 'service_item.updated', entity: 'service_item', record: 'full' },
    });
    // A refusal here undoes the update and its audit row with the transaction.
    if (after.assign_to === 'department' && after.owner_department_id == null)
      throw badRequest('DEPARTMENT_REQUIRED', 'A department desk item needs an owner department', {
        ownerDepartmentId: 'REQUIRED',
      });
    return itemOut(after);
  });
}

export type PackageInput = {
  code: string;
  name: string;
  kind: 'basic' | 'value_added' | 'vip' | 'care';
  description?: string | null;
  active?: boolean;
  itemIds: number[];
  tiers: string[];
  segmentIds: number[];
};

async function packageDetails(ctx: AuthedCtx, ids: number[]) {
  if (ids.length === 0) return [];
  const [pkgs, items, bindings] = await Promise.all([
    ctx.db.selectFrom('service_packages').selectAll().where('id', 'in', ids).orderBy('code').execute(),
    ctx.db
      .selectFrom('service_package_items as pi')
      .innerJoin('service_items as i', 'i.id', 'pi.item_id')
      .selectAll('i')
      .select(['pi.package_id', 'pi.position'])
      .where('pi.package_id', 'in', ids)
      .orderBy('pi.position')
      .execute(),
    ctx.db.selectFrom('package_bindings').selectAll().where('package_id', 'in', ids).orderBy('id').execute(),
  ]);
  return pkgs.map((p) => ({
    id: p.id,
    code: p.code,
    name: p.name,
    kind: p.kind,
    description: p.description,
    active: p.active,
    items: items.filter((i) => i.package_id === p.id).map(itemOut),
    tiers: bindings.filter((b) => b.package_id === p.id && b.tier).map((b) => b.tier!),
    segmentIds: bindings.filter((b) => b.package_id === p.id && b.segment_id).map((b) => b.segment_id!),
    version: p.version,
  }));
}

export async function listPackages(ctx: AuthedCtx) {
  const ids = await ctx.db.selectFrom('service_packages').select('id').execute();
  return packageDetails(
    ctx,
    ids.map((r) => r.id),
  );
}

export async function getPackage(ctx: AuthedCtx, id: number) {
  const [p] = await packageDetails(ctx, [id]);
  if (!p) throw notFound('SERVICE_PACKAGE_NOT_FOUND', 'Service package not found');
  return p;
}

/** Replaces a package's items and bindings; segments must be ones the actor can see. */
async function setContents(tx: AuthedCtx, id: number, input: Partial<PackageInput>) {
  if (input.itemIds) {
    await tx.db.deleteFrom('service_package_items').where('package_id', '=', id).execute();
    if (input.itemIds.length)
      await tx.db
        .insertInto('service_package_items')
        .values(
          [...new Set(input.itemIds)].map((item_id, position) => ({ package_id: id, item_id, position })),
        )
        .execute();
  }
  if (input.tiers || input.segmentIds) {
    if (input.tiers) {
      await tx.db
        .deleteFrom('package_bindings')
        .where('package_id', '=', id)
        .where('tier', 'is not', null)
        .execute();
      if (input.tiers.length)
        await tx.db
          .insertInto('package_bindings')
          .values([...new Set(input.tiers)].map((tier) => ({ package_id: id, tier })))
          .execute();
    }
    if (input.segmentIds) {
      for (const s of input.segmentIds)
        await segmentCustomerQuery(tx, s).catch(() => {
          throw badRequest('SEGMENT_NOT_FOUND', 'No such segment', { segmentIds: 'SEGMENT_NOT_FOUND' });
        });
      await tx.db
        .deleteFrom('package_bindings')
        .where('package_id', '=', id)
        .where('segment_id', 'is not', null)
        .execute();
      if (input.segmentIds.length)
        await tx.db
          .insertInto('package_bindings')
          .values([...new Set(input.segmentIds)].map((segment_id) => ({ package_id: id, segment_id })))
          .execute();
    }
  }
}

export async function createPackage(ctx: AuthedCtx, input: PackageInput) {
  requirePermission(ctx.actor, 'service.manage');
  const id = await withTx(ctx, async (tx) => {
    const t = { ...ctx, db: tx.db };
    const row = await tx.db
      .insertInto('service_packages')
      .values({
        code: input.code,
        name: input.name,
        kind: input.kind,
        description: input.description ?? null,
        active: input.active ?? true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setContents(t, row.id, input);
    await audit(tx, {
      action: 'service_package.created',
      entity: 'service_package',
      entityId: row.id,
      after: { ...row, itemIds: input.itemIds, tiers: input.tiers, segmentIds: input.segmentIds },
    });
    return row.id;
  });
  return getPackage(ctx, id);
}

export async function updatePackage(
  ctx: AuthedCtx,
  id: number,
  input: Partial<PackageInput> & { version: number },
) {
  requirePermission(ctx.actor, 'service.manage');
  await withTx(ctx, async (tx) => {
    const t = { ...ctx, db: tx.db };
    let beforeFull: unknown;
    await updateVersioned(t, {
      table: 'service_packages',
      id,
      version: input.version,
      notFound: ['SERVICE_PACKAGE_NOT_FOUND', 'Service package not found'],
      conflict: { message: 'Someone else changed this package; reload and try again' },
      patch: async () => {
        [beforeFull] = await packageDetails(t, [id]);
        // Its items and bindings are other tables: replaced before the row, in the same transaction.
        await setContents(t, id, input);
        return {
          ...(input.code !== undefined && { code: input.code }),
          ...(input.name !== undefined && { name: input.name }),
          ...(input.kind !== undefined && { kind: input.kind }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.active !== undefined && { active: input.active }),
        };
      },
      audit: {
        action: 'service_package.updated',
        entity: 'service_package',
        record: async () => ({ before: beforeFull, after: (await packageDetails(t, [id]))[0] }),
      },
    });
  });
  return getPackage(ctx, id);
}

/**
 * A customer's entitlements: each package they are entitled to (and why), its items, and per item the fulfilment
 * of recent periods (the task made for it and its status).
 */
export async function customerEntitlements(ctx: AuthedCtx, customerId: number) {
  requirePermission(ctx.actor, 'customer.read');
  await assertCustomerVisible(ctx, customerId);
  const customer = await ctx.db
    .selectFrom('customers')
    .select(['tier'])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  const bindings = await ctx.db
    .selectFrom('package_bindings as b')
    .innerJoin('service_packages as p', 'p.id', 'b.package_id')
    .select(['b.package_id', 'b.tier', 'b.segment_id'])
    .where('p.active', '=', true)
    .execute();
  const via = new Map<number, { tier: string | null; segmentId: number | null }>();
  for (const b of bindings) {
    if (via.has(b.package_id)) continue;
    if (b.tier != null && b.tier === customer.tier) via.set(b.package_id, { tier: b.tier, segmentId: null });
    else if (b.segment_id != null) {
      const ids = await segmentCustomerQuery(ctx, b.segment_id).catch(() => null);
      if (!ids) continue;
      const hit = await ctx.db
        .selectFrom(ids.where('customers.id', '=', customerId).as('s'))
        .select('id')
        .executeTakeFirst();
      if (hit) via.set(b.package_id, { tier: null, segmentId: b.segment_id });
    }
  }
  const packages = await packageDetails(ctx, [...via.keys()]);
  const fulfilments = await ctx.db
    .selectFrom('service_fulfilments as f')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('tasks')
          .select(['tasks.id', 'tasks.status', 'tasks.completed_at', 'tasks.outcome'])
          .where('tasks.source_kind', '=', 'entitlement')
          .whereRef('tasks.source_id', '=', 'f.id')
          .whereRef('tasks.customer_id', '=', 'f.customer_id')
          .limit(1) // keeps the subquery from being flattened into a join
          .as('t'),
      (j) => j.onTrue(),
    )
    .select([
      'f.item_id',
      'f.package_id',
      'f.period_key',
      'f.due_at',
      't.id as task_id',
      't.status',
      't.completed_at',
      't.outcome',
    ])
    .where('f.customer_id', '=', customerId)
    .orderBy('f.due_at', 'desc')
    .limit(500)
    .execute();
  return {
    customerId,
    tier: customer.tier,
    packages: packages.map((p) => ({
      ...p,
      via: via.get(p.id)!,
      items: p.items.map((i) => {
        const own = fulfilments.filter((f) => f.item_id === i.id);
        return {
          ...i,
          currentPeriod: periodOf(i.frequency).key,
          fulfilments: own.slice(0, 8).map((f) => ({
            periodKey: f.period_key,
            dueAt: f.due_at.toISOString(),
            taskId: f.task_id,
            status: (f.status ?? 'pending') as 'open' | 'done' | 'cancelled' | 'pending',
            completedAt: f.completed_at ? f.completed_at.toISOString() : null,
            outcome: f.outcome ?? null,
          })),
        };
      }),
    })),
  };
}
