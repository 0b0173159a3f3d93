/**
 * The three dialogs, the user detail panel and the Activity view as one lazily loaded module (see
 * dialogs.ts). One chunk rather than one per dialog: they share the dialog and the field rules, and
 * one file compresses better than several (as three chunks and their shared one they came to about
 * 1.5 KB gzip more); they are fetched together when the browser is idle anyway. The detail panel
 * joined them rather than coming as a chunk of its own: that split the shared `<panta-dialog>` into
 * a third chunk, about 1.2 KB gzip more in all. The Activity view joined them for the same reason;
 * it shares the panel's words, styles and wording of entries besides. The bulk actions' confirmation
 * texts come with them: asked for only once a dialog opens.
 */
import '../activity-view/activity-view.ts';
import '../add-user-dialog/add-user-dialog.ts';
import '../confirm-dialog/confirm-dialog.ts';
import '../edit-user-dialog/edit-user-dialog.ts';
import '../user-detail/user-detail.ts';

export { confirmation } from './confirmation.ts';
