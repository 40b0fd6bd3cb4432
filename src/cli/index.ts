/**
 * The `paystream` command line (commander). Every command reads the same configuration as the
 * service (PAYSTREAM_* variables, PAYSTREAM_CONFIG_FILE), validated once.
 */
import { Command } from 'commander';
import { registerAdminCommands } from './admin.js';
import { registerServiceCommands } from './service.js';

export function buildCli(): Command {
  const program = new Command('paystream')
    .description('Event-sourced payments service with CQRS, an outbox, signed webhooks and reconciliation')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerServiceCommands(program);
  registerAdminCommands(program);
  return program;
}

export async function runCli(argv: string[] = process.argv): Promise<void> {
  await buildCli().parseAsync(argv);
}
