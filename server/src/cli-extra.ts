// Commands that modules add to the kefu CLI (backup and restore, import, export …).
import type { Command } from 'commander';

export function registerExtraCommands(_program: Command) {}
