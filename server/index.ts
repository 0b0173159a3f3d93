/**
 * The server entry of the package (`panta-user-management/server`): mount user management on a
 * Fastify app of your own, or start a complete server.
 */
export { pantaAcceptPage, type AcceptPageOptions } from './accept-page.ts';
export { buildServer, DEFAULT_API_PREFIX, type BuildServerOptions } from './app.ts';
export { loadConfig, type PantaSettings, type ServerConfig } from './config.ts';
export { bearerSessionAuthenticate, type Authenticate } from './context.ts';
export { systemClock, type Clock } from './clock.ts';
export { openDatabase, type DB, type OpenedDatabase } from './db/database.ts';
export { DomainError } from './errors.ts';
export { DevMailbox, createSmtpMailer, type Mailer, type MailMessage } from './mail/mailer.ts';
export { pantaUserManagement, type PantaPluginOptions } from './plugin.ts';
export type { AppRouter } from './routers/app.ts';
export { createSession, identityFromEmail, type Identity } from './services/sessions.ts';
export { createWorkspace, findWorkspace, findWorkspaces, type NewWorkspace, type WorkspaceInfo } from './services/workspaces.ts';
export { UserManagement, type UserManagementOptions } from './user-management.ts';
