// Commands that modules add to the kefu CLI (backup and restore, import, export …).
import type { Command } from 'commander';
import { loadConfig } from './config.ts';
import { registerImportCommands } from './modules/customers/import/cli.ts';

const say = (m: string) => process.stderr.write(`${m}\n`);

export function registerExtraCommands(program: Command) {
  registerImportCommands(program);
  program
    .command('backup')
    .description(
      'write a backup of all of Kefu’s data to FILE (gzip; "-" for standard output); safe while Kefu runs',
    )
    .argument('<file>', 'the backup file to write, e.g. kefu-2026-11-22.kefu.gz')
    .action(async (file: string) => {
      const { runBackupCommand } = await import('./platform/backup.ts');
      await runBackupCommand(loadConfig(), file, say);
    });

  program
    .command('restore')
    .description(
      'restore a backup made with `kefu backup` into an EMPTY database (DATABASE_URL, or the embedded one in ' +
        'KEFU_DATA_DIR); stop Kefu first',
    )
    .argument('<file>', 'the backup file ("-" for standard input)')
    .action(async (file: string) => {
      const { runRestoreCommand } = await import('./platform/backup.ts');
      await runRestoreCommand(loadConfig(), file, say);
    });
}
