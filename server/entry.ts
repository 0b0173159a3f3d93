/**
 * What `panta-user-management/server` loads (its types are index.ts's): the server's dependencies
 * are optional peers of the package, and a static `export … from './index.ts'` would fail while
 * Node links the modules, before any check could run, with a message naming one file of ours. So
 * the peers are checked first and the API is loaded after. Every value index.ts exports is
 * re-exported here (a test of the package compares the two).
 */
import { assertSupportedNode } from './node-version.ts';
import { assertServerPeers } from './peers.ts';

assertSupportedNode('panta-user-management/server');
assertServerPeers('panta-user-management/server');

export const {
  pantaAcceptPage,
  buildServer,
  DEFAULT_API_PREFIX,
  loadConfig,
  bearerSessionAuthenticate,
  systemClock,
  openDatabase,
  DomainError,
  DevMailbox,
  createSmtpMailer,
  pantaUserManagement,
  createSession,
  identityFromEmail,
  createWorkspace,
  findWorkspace,
  findWorkspaces,
  UserManagement,
} = await import('./index.ts');
