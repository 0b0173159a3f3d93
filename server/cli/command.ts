import { parseArgs } from 'node:util';

/** One subcommand of `panta-user-management`. */
export interface Command {
  /** One line for the list of commands. */
  summary: string;
  /** What `<command> --help` prints. */
  help: string;
  /** Does the work; what it returns is printed as one JSON line. */
  run(args: string[], env: NodeJS.ProcessEnv): Promise<unknown>;
}

/** The command line was wrong (exit code 2); the command's help follows the message. */
export class UsageError extends Error {}

type Options = Record<string, { type: 'string' }>;

/**
 * `--name value` options and positional arguments, strictly: an unknown option, a missing value
 * or an option given twice is a usage error rather than guessed at.
 */
export function parseCommandLine(args: string[], options: Options): { values: Record<string, string | undefined>; positionals: string[] } {
  try {
    const { values, positionals, tokens } = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
    const seen = new Set<string>();
    for (const token of tokens) {
      if (token.kind !== 'option') continue;
      if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
      seen.add(token.name);
    }
    return { values: values as Record<string, string | undefined>, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

/** The value of a required option, or a usage error naming it. */
export function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** No more positional arguments than `expected`; a stray word is usually a missing `--`. */
export function positionalsAtMost(positionals: string[], expected: number): void {
  if (positionals.length > expected) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[expected])}`);
}

/** The one file a command works on, its only argument. */
export function fileArgument(args: string[]): string {
  const { positionals } = parseCommandLine(args, {});
  positionalsAtMost(positionals, 1);
  if (!positionals[0]) throw new UsageError('name the backup file, such as backups/panta-2026-01-05.db');
  return positionals[0];
}
