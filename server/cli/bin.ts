#!/usr/bin/env node
/**
 * The package's `bin` (plain JavaScript in dist/lib once built): the commands need the server's
 * optional peer dependencies, so an install without them gets one line naming them and the command
 * that installs them, rather than Node's failure to link a module.
 */
import { unsupportedNodeMessage } from '../node-version.ts';
import { missingPeersMessage } from '../peers.ts';

const problem = unsupportedNodeMessage('The panta-user-management command') ?? missingPeersMessage('The panta-user-management command');
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 1;
} else {
  await import('./panta-user-management.ts');
}
