import { systemClock } from '../clock.ts';
import { createWorkspace, findWorkspaces, validNewWorkspace } from '../services/workspaces.ts';
import { type Command, parseCommandLine, positionalsAtMost, required } from './command.ts';
import { withDatabase } from './database.ts';

/** Provisioning: a workspace and its first admin, who then invites the rest through the element. */
export const createWorkspaceCommand: Command = {
  summary: 'create a workspace and its first admin',
  help: `Usage: panta-user-management create-workspace --name <name> --owner <email> --first-name <name> --last-name <name>

Creates a workspace and its first admin, active at once (so both names are needed), in the
database DATABASE_URL names (default ./data/panta.db; PostgreSQL with postgres://…), and prints
{"ok":true,"workspaceId":…,"ownerId":…,"ownerEmail":…}. The address follows the server's email
rule; the same person may be a user of other workspaces too.
Names are not unique: running it twice makes two workspaces (a note on stderr says so). A script
that may run again looks first: panta-user-management find-workspace --name <name>.`,
  async run(args, env) {
    const { values, positionals } = parseCommandLine(args, {
      name: { type: 'string' },
      owner: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
    });
    positionalsAtMost(positionals, 0);
    const input = {
      name: required(values, 'name'),
      owner: { email: required(values, 'owner'), firstName: required(values, 'first-name'), lastName: required(values, 'last-name') },
    };
    // Refused before the database is opened (and, for a new file, created).
    const { name } = validNewWorkspace(input);
    return withDatabase(env, async ({ db }) => {
      const namesakes = await findWorkspaces({ db }, { name });
      if (namesakes.length > 0) {
        process.stderr.write(`note: ${namesakes.length} other workspace(s) named ${JSON.stringify(name)} exist already: ${namesakes.map((workspace) => workspace.id).join(', ')}\n`);
      }
      const { workspaceId, owner } = await createWorkspace({ db, clock: systemClock }, input);
      return { ok: true, workspaceId, ownerId: owner.id, ownerEmail: owner.email };
    });
  },
};
