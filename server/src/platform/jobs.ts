// Background jobs on graphile-worker: a PostgreSQL queue in the same database, so a job can be enqueued in the
// same transaction as the change that causes it, and scheduled (cron) jobs run once per slot however many processes.
import { type Runner, run, type Task } from 'graphile-worker';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db/index.ts';
import { silentLogger } from '../db/migrate.ts';
import type { Ctx } from './context.ts';

export type JobHelpers = { db: Database; log: (msg: string, extra?: object) => void };
export type JobHandler = (payload: any, helpers: JobHelpers) => Promise<void>;

const handlers = new Map<string, JobHandler>();
const crontab: string[] = [];

/** Registers a job; with `cron` (crontab syntax, server time zone) it also runs on that schedule. */
export function defineJob(name: string, handler: JobHandler, cron?: string) {
  handlers.set(name, handler);
  if (cron) crontab.push(`${cron} ${name} ?fill=1h&max=1`);
}

export const definedJobs = () => [...handlers.keys()];

/** Adds a job inside the caller's transaction: it exists only if the change commits. */
export async function enqueue(
  ctx: Pick<Ctx, 'db'>,
  name: string,
  payload: object = {},
  opts: { runAt?: Date; jobKey?: string; maxAttempts?: number } = {},
) {
  if (!handlers.has(name)) throw new Error(`Unknown job ${name}`);
  await sql`select graphile_worker.add_job(
      ${name}, ${JSON.stringify(payload)}::json,
      run_at => ${opts.runAt ?? null}::timestamptz,
      job_key => ${opts.jobKey ?? null},
      max_attempts => ${opts.maxAttempts ?? 10})`.execute(ctx.db);
}

export async function startJobs(db: Database, pool: pg.Pool, log: JobHelpers['log']): Promise<Runner> {
  const taskList: Record<string, Task> = {};
  for (const [name, handler] of handlers) {
    taskList[name] = async (payload) => {
      await handler(payload, { db, log });
    };
  }
  return run({
    pgPool: pool,
    taskList,
    crontab: crontab.join('\n'),
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: silentLogger,
  });
}
