import { findWorkspaces } from '../services/workspaces.ts';
import { type Command, parseCommandLine, positionalsAtMost, UsageError } from './command.ts';
import { withDatabase } from './database.ts';

/** Provisioning's lookup: is the workspace there, and who administers it. */
export const findWorkspaceCommand: Command = {
  summary: 'look a workspace up by its id or exact name',
  help: `Usage: panta-user-management find-workspace --id <id>
       panta-user-management find-workspace --name <name>

Looks workspaces up in the database DATABASE_URL names (default ./data/panta.db) and prints
{"ok":true,"workspaces":[{"id":…,"name":…,"createdAt":…,"activeAdmins":[…]}]}: by --id one or
none, by --name every workspace of exactly that name (names are not unique), oldest first.
Finding none is no error: "workspaces" is empty. Changes nothing.`,
  async run(args, env) {
    const { values, positionals } = parseCommandLine(args, { id: { type: 'string' }, name: { type: 'string' } });
    positionalsAtMost(positionals, 0);
    const { id, name } = values;
    if ((id === undefined) === (name === undefined)) throw new UsageError('give either --id or --name');
    const query = id !== undefined ? { id } : { name: name! };
    return withDatabase(env, async ({ db }) => ({ ok: true, workspaces: await findWorkspaces({ db }, query) }));
  },
};
