/**
 * `panta-user-management <command>`: provisioning and backups from the installed package (its
 * `bin`, through bin.ts), and `npm run backup` / `npm run restore` in this repo.
 * Each command reads DATABASE_URL as the server does, prints one JSON line on success, and exits
 * 1 with a message when it cannot do its work, 2 when the command line is wrong.
 */
import { backupCommand } from './backup.ts';
import { type Command, UsageError } from './command.ts';
import { createWorkspaceCommand } from './create-workspace.ts';
import { findWorkspaceCommand } from './find-workspace.ts';
import { restoreCommand } from './restore.ts';

const COMMANDS: Record<string, Command> = {
  'create-workspace': createWorkspaceCommand,
  'find-workspace': findWorkspaceCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

const OVERVIEW = `Usage: panta-user-management <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(18)}${command.summary}`)
  .join('\n')}

Run panta-user-management <command> --help for its options. Every command works on the database
DATABASE_URL names (default ./data/panta.db), prints one JSON line, and exits 1 when it cannot
do its work, 2 when the command line is wrong.`;

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

async function main([name, ...args]: string[]): Promise<number> {
  if (name === undefined || isHelp(name) || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(`${OVERVIEW}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`panta-user-management: unknown command ${JSON.stringify(name)}\n\n${OVERVIEW}\n`);
    return 2;
  }
  if (args.some(isHelp)) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    const report = await command.run(args, process.env);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`panta-user-management ${name}: ${error.message}\n\n${command.help}\n`);
      return 2;
    }
    // A refusal (an invalid address, a file held by a server, a bad DATABASE_URL) is a message for an operator, not a stack.
    process.stderr.write(`panta-user-management ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
