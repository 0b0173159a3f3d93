/** The entry point: registers <panta-user-management> (its dialogs load when first needed) and exports the public types. */
export { PantaUserManagement } from './user-management/user-management.ts';
export { PantaEvent, type PantaEventDetails, type PantaEventName, type BulkOutcomes } from './events/events.ts';
