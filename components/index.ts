/** The entry point: registers <panta-user-management> (its dialogs load when first needed) and exports the public types. */
export { PantaUserManagement } from './user-management/user-management.ts';
export * from './events/events.ts';
export type { PantaTheme, PantaUserManagementProperties } from './public-api.ts';
