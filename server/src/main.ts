// Starts Kefu: database, migrations, HTTP server, background jobs; stops them cleanly on SIGINT/SIGTERM.
import pino from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './platform/bootstrap.ts';
import { startJobs } from './platform/jobs.ts';

export async function serve(
  config: Config,
  /** `beforeListen` gets the owner's connection (demo data: a large load rebuilds indexes). */
  opts: { beforeListen?: (db: import('./db/index.ts').Database) => Promise<void> } = {},
) {
  const logger = pino({ level: config.logLevel });
  const opened = await openDatabase(config, { log: (m) => logger.info(m) });
  logger.info(
    opened.embedded
      ? `embedded PostgreSQL in ${config.dataDir}`
      : `using DATABASE_URL${opened.appRole ? ` (the app connects as ${opened.appRole})` : ''}`,
  );
  for (const w of opened.warnings) logger.warn(w);
  let runner: Awaited<ReturnType<typeof startJobs>> | undefined;
  const app = await buildApp({ db: opened.db, config, logger: { level: config.logLevel } });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    await app.close().catch(() => {});
    await runner?.stop().catch(() => {});
    await opened.close().catch((e) => logger.error(e));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    await opts.beforeListen?.(opened.owner.db);
    if (config.jobs)
      runner = await startJobs(opened.db, opened.pool, (msg, extra) => logger.info(extra ?? {}, msg));
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await runner?.stop().catch(() => {});
    await app.close().catch(() => {});
    await opened.close();
    throw e;
  }
  return { app, db: opened.db, stop };
}
