// `kefu import customers FILE`: the same import as the web's, from a terminal, with a progress bar.
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../../../config.ts';
import { loadActor } from '../../../platform/auth.ts';
import { openDatabase } from '../../../platform/bootstrap.ts';
import { configureUploads } from '../../../platform/files.ts';
import { importCustomers } from './service.ts';

const say = (m: string) => process.stderr.write(`${m}\n`);

export function registerImportCommands(program: Command) {
  const imp = program.command('import').description('import data from CSV or Excel files');
  imp
    .command('customers')
    .description(
      'import customers from a CSV (UTF-8 or GBK) or XLSX file; rows are upserted by customer code, bad rows go to FILE.errors.csv',
    )
    .argument('<file>', 'the CSV or XLSX file')
    .option(
      '--mapping <file>',
      'JSON file: {"header": "fieldKey" | null, …} (other headers map automatically)',
    )
    .option('--create-branches', 'create branches the file names that do not exist yet')
    .option(
      '--as <username>',
      'import as this user (their permissions and branch apply); default: the system',
    )
    .option('--json', 'print a JSON summary on standard output')
    .option('--batch-size <n>', 'rows per transaction', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('1 to 100000');
      return n;
    })
    .action(async (file: string, opts) => {
      if (!fs.existsSync(file)) throw new Error(`no file ${file}`);
      const mapping = opts.mapping ? JSON.parse(fs.readFileSync(opts.mapping, 'utf8')) : null;
      if (mapping && (typeof mapping !== 'object' || Array.isArray(mapping)))
        throw new Error('--mapping must hold a JSON object {"header": "fieldKey"}');
      const config = loadConfig();
      // The import-file limits (rows, an XLSX's unpacked size) hold here as on the web; the upload limit does not.
      configureUploads(config.uploads);
      const opened = await openDatabase(config, { log: say, poolSize: 4 });
      const size = fs.statSync(file).size;
      const bar =
        process.stderr.isTTY && !opts.json
          ? new cliProgress.SingleBar(
              {
                format: 'importing [{bar}] {percentage}% | {rows} rows | {eta_formatted} left',
                stream: process.stderr,
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
      try {
        let actor = null;
        if (opts.as) {
          const u = await opened.db
            .selectFrom('users')
            .select('id')
            .where(sql`lower(username)`, '=', String(opts.as).toLowerCase())
            .executeTakeFirst();
          actor = u ? await loadActor(opened.db, u.id) : null;
          if (!actor) throw new Error(`no active user ${opts.as}`);
        }
        bar?.start(size, 0, { rows: 0 });
        const errorFilePath = path.join(
          path.dirname(path.resolve(file)),
          `${path.basename(file).replace(/\.[^.]+$/, '')}.errors.csv`,
        );
        const summary = await importCustomers(
          { db: opened.db, actor, ip: null, userAgent: 'kefu-cli' },
          {
            fileName: path.basename(file),
            source: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
            fileSize: size,
            mapping,
            createBranches: !!opts.createBranches,
            batchSize: opts.batchSize,
            errorFilePath,
            onProgress: ({ bytes, rows }) => bar?.update(bytes, { rows }),
          },
        );
        bar?.stop();
        if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          say(
            `${summary.rowsRead} rows read: ${summary.created} created, ${summary.updated} updated, ` +
              `${summary.unchanged} unchanged, ${summary.rejected} rejected (${summary.seconds.toFixed(1)} s)`,
          );
          if (summary.errorFile) say(`rejected rows with the reason: ${summary.errorFile}`);
          for (const e of summary.errors.slice(0, 10)) say(`  row ${e.line}: ${e.message}`);
        }
      } finally {
        bar?.stop();
        await opened.close();
      }
    });
}
