import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ensureUser, userId } from '../../test/fixtures.ts';
import { actorOf, insertCustomers } from '../tasks/fixtures.ts';
import { notifyHandoverCustomers, runHandover } from './service.ts';

let t: TestApp;
let admin: string;
let bm: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  bm = await t.login('branchmgr');
});
afterAll(async () => t?.close());

const n = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(t.db)).rows[0].n;
const ownersOf = async (ids: number[]) =>
  (
    await sql<{ owner_id: number; n: number }>`
      select owner_id, count(*)::int as n from customers where id = any(${ids}::bigint[]) group by 1 order by 1`.execute(
      t.db,
    )
  ).rows.map((r) => [Number(r.owner_id), r.n]);

describe('handover', () => {
  it('hands 10 000 customers over evenly in one transaction, one follow-up each, and reports all of them', async () => {
    const leaver = await ensureUser(t, 'leaver10k', { roles: ['account_manager'] });
    const team = [
      await ensureUser(t, 'team_a', { roles: ['account_manager'] }),
      await ensureUser(t, 'team_b', { roles: ['account_manager'] }),
      await ensureUser(t, 'team_c', { roles: ['account_manager'] }),
    ];
    const ids = await insertCustomers(t, 10_000, { owner: 'leaver10k' });
    // An open visit task of the leaver's follows the customer.
    const visit = await t.db
      .insertInto('tasks')
      .values({ title: '拜访', customer_id: ids[0], branch_id: 2, assignee_id: leaver })
      .returning('id')
      .executeTakeFirstOrThrow();

    // The leaver cannot be disabled while owning customers.
    const u = await t.call(admin, 'GET', `/api/users/${leaver}`);
    const disable = await t.call(admin, 'PATCH', `/api/users/${leaver}`, {
      status: 'disabled',
      version: u.body.version,
    });
    expect(disable.status).toBe(409);
    expect(disable.body.error).toMatchObject({ code: 'OWNER_HAS_CUSTOMERS', details: { count: 10_000 } });

    const preview = await t.call(bm, 'POST', '/api/handovers/preview', {
      fromUserId: leaver,
      mode: 'even',
      toUserIds: team,
    });
    expect(preview.body.customers).toBe(10_000);
    expect(preview.body.byTarget.map((x: any) => x.customers)).toEqual([3334, 3333, 3333]);

    const t0 = Date.now();
    const r = await t.call(bm, 'POST', '/api/handovers', {
      fromUserId: leaver,
      mode: 'even',
      toUserIds: team,
      notify: true,
      note: '离职交接',
    });
    const ms = Date.now() - t0;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    console.log(`handover of 10 000 customers: ${ms} ms`);
    expect(r.body).toMatchObject({ customers: 10_000, followUps: { done: 0, open: 10_000, cancelled: 0 } });
    expect(r.body.byTarget.map((x: any) => [x.userId, x.customers, x.open])).toEqual([
      [team[0], 3334, 3334],
      [team[1], 3333, 3333],
      [team[2], 3333, 3333],
    ]);
    expect(await ownersOf(ids)).toEqual([
      [team[0], 3334],
      [team[1], 3333],
      [team[2], 3333],
    ]);
    // Exactly one follow-up call per customer, for the new owner; history kept on each customer.
    expect(
      await n(sql<{
        n: number;
      }>`select count(*)::int as n from tasks t join customers c on c.id = t.customer_id
        where t.source_kind = 'handover' and t.source_id = ${r.body.id} and t.assignee_id = c.owner_id and t.kind = 'call'`),
    ).toBe(10_000);
    expect(
      await n(
        sql<{
          n: number;
        }>`select count(distinct customer_id)::int as n from tasks where source_kind = 'handover'`,
      ),
    ).toBe(10_000);
    expect(
      await n(sql<{ n: number }>`select count(*)::int as n from customer_history
        where field = 'ownerId' and action = 'handover' and old_value = to_jsonb(${leaver}::bigint)`),
    ).toBe(10_000);
    const moved = await t.db
      .selectFrom('tasks')
      .select('assignee_id')
      .where('id', '=', visit.id)
      .executeTakeFirstOrThrow();
    expect(moved.assignee_id).toBe(team[0]);
    // One batch notice job queued; running it (twice) records one notice per customer.
    expect(
      await n(
        sql<{
          n: number;
        }>`select count(*)::int as n from graphile_worker.jobs where key = ${`handover_notify:${r.body.id}`}`,
      ),
    ).toBe(1);
    expect(await notifyHandoverCustomers(t.db, r.body.id)).toBe(10_000);
    expect(await notifyHandoverCustomers(t.db, r.body.id)).toBe(0);

    // Follow-ups done show in the report; the customer list pages through all of them.
    const a = await t.login('team_a');
    const mine = await t.call(a, 'GET', '/api/tasks?view=mine&limit=2');
    for (const task of mine.body.items)
      await t.call(a, 'POST', `/api/tasks/${task.id}/complete`, { outcome: '已致电' });
    const report = await t.call(bm, 'GET', `/api/handovers/${r.body.id}`);
    expect(report.body.followUps).toEqual({ done: 2, open: 9998, cancelled: 0 });
    let seen = 0;
    let cursor: string | null = null;
    do {
      const p: any = await t.call(
        bm,
        'GET',
        `/api/handovers/${r.body.id}/customers?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen += p.body.items.length;
      cursor = p.body.nextCursor;
    } while (cursor);
    expect(seen).toBe(10_000);
    // Now the leaver can be disabled.
    const u2 = await t.call(admin, 'GET', `/api/users/${leaver}`);
    expect(
      (await t.call(admin, 'PATCH', `/api/users/${leaver}`, { status: 'disabled', version: u2.body.version }))
        .status,
    ).toBe(200);
  }, 300_000);

  it('leaves every customer with the old owner when a step fails mid-way', async () => {
    const leaver = await ensureUser(t, 'leaver_fail', { roles: ['account_manager'] });
    const ids = await insertCustomers(t, 10_000, { owner: 'leaver_fail' });
    await sql`create function fail_handover_tasks() returns trigger language plpgsql as $$
      begin raise exception 'forced failure'; end $$`.execute(t.db);
    await sql`create trigger fail_handover before insert on tasks for each row
      when (new.source_kind = 'handover') execute function fail_handover_tasks()`.execute(t.db);
    try {
      const ctx = { db: t.db, actor: await actorOf(t, 'branchmgr'), ip: null };
      await expect(
        runHandover(ctx, {
          fromUserId: leaver,
          mode: 'one',
          toUserId: await userId(t, 'manager'),
          notify: true,
        }),
      ).rejects.toThrow('forced failure');
    } finally {
      await sql`drop trigger fail_handover on tasks`.execute(t.db);
    }
    expect(await ownersOf(ids)).toEqual([[leaver, 10_000]]);
    expect(
      await n(sql<{ n: number }>`select count(*)::int as n from handovers where from_user_id = ${leaver}`),
    ).toBe(0);
    expect(
      await n(sql<{ n: number }>`select count(*)::int as n from customer_history
        where field = 'ownerId' and old_value = to_jsonb(${leaver}::bigint)`),
    ).toBe(0);
    // And it works once the fault is gone.
    const ok = await t.call(bm, 'POST', '/api/handovers', {
      fromUserId: leaver,
      mode: 'one',
      toUserId: await userId(t, 'manager'),
    });
    expect(ok.body.customers).toBe(10_000);
  }, 300_000);

  it('spreads by tier, and stays inside a branch-scoped handover’s branch', async () => {
    const leaver = await ensureUser(t, 'leaver_tier', { roles: ['account_manager'] });
    const vip = await insertCustomers(t, 3, { owner: 'leaver_tier', tier: 'VIP' });
    const other = await insertCustomers(t, 4, { owner: 'leaver_tier', tier: '散户' });
    const shCust = await insertCustomers(t, 2, { owner: 'leaver_tier', branch: 'SH01' });
    const manager = await userId(t, 'manager');
    const agent = await userId(t, 'agent');
    const shManager = await userId(t, 'sh_manager');
    // The Beijing branch manager may not hand over to Shanghai staff …
    const foreign = await t.call(bm, 'POST', '/api/handovers', {
      fromUserId: leaver,
      mode: 'one',
      toUserId: shManager,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('TARGET_INVALID');
    // … nor hand over a Shanghai user's customers.
    const shFrom = await t.call(bm, 'POST', '/api/handovers', {
      fromUserId: shManager,
      mode: 'one',
      toUserId: manager,
    });
    expect(shFrom.status).toBe(404);
    const r = await t.call(bm, 'POST', '/api/handovers', {
      fromUserId: leaver,
      mode: 'by_tier',
      tierMap: { VIP: manager },
      toUserId: agent,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.customers).toBe(7); // the Shanghai customers stay
    expect(await ownersOf(vip)).toEqual([[manager, 3]]);
    expect(await ownersOf(other)).toEqual([[agent, 4]]);
    expect(await ownersOf(shCust)).toEqual([[leaver, 2]]);
    // Shanghai does not see Beijing's handover.
    await ensureUser(t, 'sh_bm', { branch: 'SH01', roles: ['branch_manager'] });
    const shBm = await t.login('sh_bm');
    expect((await t.call(shBm, 'GET', `/api/handovers/${r.body.id}`)).status).toBe(404);
    expect((await t.call(shBm, 'GET', '/api/handovers')).body.items).toEqual([]);
    // The administrator then moves the rest (all branches).
    const rest = await t.call(admin, 'POST', '/api/handovers', {
      fromUserId: leaver,
      mode: 'one',
      toUserId: shManager,
    });
    expect(rest.body.customers).toBe(2);
    const none = await t.call(admin, 'POST', '/api/handovers', {
      fromUserId: leaver,
      mode: 'one',
      toUserId: shManager,
    });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('NO_CUSTOMERS');
  }, 120_000);
});
