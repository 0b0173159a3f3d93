/**
 * The user detail panel and the Activity view: one lazily loaded module of their own (see
 * dialogs.ts), apart from the dialogs', fetched the first time either opens.
 */
import '../activity-panel/activity-panel.ts';
