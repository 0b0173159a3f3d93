/** The entry point: registers <panta-user-management> (and its dialogs) and exports the public types. */
export { PantaUserManagement } from './user-management/user-management.ts';
export { PantaEvent, type PantaEventDetails, type PantaEventName, type BulkOutcomes } from './events/events.ts';
