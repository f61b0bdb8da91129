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

// graphile-worker 0.16 chains its runner's failure into promises (`cron.promise.finally(…)`) that nobody can
// handle, so a failed cron step would crash the process with an unhandled rejection. Those rejections arrive right
// after the runner announces its stop; only they are let through (the runner is started again below).
let runnerFailedAt = 0;
let guardInstalled = false;
function ignoreRunnerFailureRejections() {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('unhandledRejection', (reason) => {
    if (Date.now() - runnerFailedAt < 5000) return;
    throw reason; // any other unhandled rejection crashes the process as Node does by default
  });
}

export type JobRunner = {
  stop: () => Promise<void>;
  /** How many times the runner was started again after failing. */
  restarts: () => number;
};

/**
 * Runs the jobs until `stop()`. graphile-worker reconnects its own connections after a database restart, but a
 * failed cron step (the database unreachable at a minute boundary) stops its whole runner: Kefu then starts the
 * runner again, waiting a little longer each time (up to `maxRetryMs`) while the database stays away.
 */
export async function startJobs(
  db: Database,
  pool: pg.Pool,
  log: JobHelpers['log'],
  opts: { retryMs?: number; maxRetryMs?: number } = {},
): Promise<JobRunner> {
  const taskList: Record<string, Task> = {};
  for (const [name, handler] of handlers) {
    taskList[name] = async (payload) => {
      await handler(payload, { db, log });
    };
  }
  const retryMs = opts.retryMs ?? 1000;
  const maxRetryMs = opts.maxRetryMs ?? 30_000;
  let current: Runner | undefined;
  let stopped = false;
  let restarts = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const launch = async () => {
    const runner = await run({
      pgPool: pool,
      taskList,
      crontab: crontab.join('\n'),
      concurrency: 2,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: silentLogger,
    });
    current = runner;
    const startedAt = Date.now();
    runner.events.on('stop', () => {
      if (!stopped) runnerFailedAt = Date.now();
    });
    runner.promise.catch((e: Error) => {
      if (stopped || current !== runner) return;
      current = undefined;
      if (Date.now() - startedAt > 60_000) failures = 0; // it ran fine for a while: retry soon again
      log('the job runner stopped on an error; starting it again', { error: e?.message ?? String(e) });
      retry();
    });
  };
  const retry = () => {
    const delay = Math.min(retryMs * 2 ** failures, maxRetryMs);
    failures++;
    timer = setTimeout(() => {
      if (stopped) return;
      launch().then(
        () => {
          restarts++;
          log('the job runner is running again');
        },
        (e: Error) => {
          log('the job runner could not start yet', { error: e?.message ?? String(e) });
          retry();
        },
      );
    }, delay);
  };
  ignoreRunnerFailureRejections();
  await launch();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      const r = current;
      current = undefined;
      await r?.stop().catch(() => {});
    },
    restarts: () => restarts,
  };
}
