import type { LitElement, ReactiveController } from 'lit';
import { BULK_IDS_MAX, type MatchingAction } from '../../shared/constants.ts';
import type { PantaErrorData } from '../../shared/errors.ts';
import type { InviteUserInput, MatchingCount, MatchingFilter, UpdateUserInput, User } from '../../shared/schemas.ts';
import type { ImportCalls } from '../add-user-dialog/add-user-dialog.ts';
import type { InviteListCalls } from '../add-user-dialog/invite-chips.ts';
import { type ApiClient, errorDataOf, isAbort } from '../api/client.ts';
import { PantaEvent } from '../events/events.ts';
import type { LocalizeController } from '../i18n/localize.ts';
import { displayName } from '../internal/display-name.ts';
import { type DialogTag, loadConfirmation, openDialogIn } from './dialogs.ts';
import type { Feedback } from './feedback.ts';
import type { SelectionController } from './selection-controller.ts';
import type { UsersDataController } from './users-data-controller.ts';

/** The element's dialog of that tag, loaded and drawn, or nothing when its module could not load (said already). */
export type DialogOpener = <T extends DialogTag>(tag: T) => Promise<HTMLElementTagNameMap[T] | undefined>;

/**
 * The admin's changes: the row and bulk actions (veto event, confirmation, the count of all
 * matching asked again when it changed, Undo of a delete), Copy invitation link, and the writes the
 * dialogs make (invite, edit, restore instead, import, several invitations). Each outcome is said
 * (toast, live region, `panta-…` event), the view the server answers with is applied, and after an
 * edit or an Undo the focus follows the user once the list has loaded again.
 */
export class ActionsController implements ReactiveController {
  readonly #host: LitElement;
  readonly #localize: LocalizeController;
  readonly #data: UsersDataController;
  readonly #selection: SelectionController;
  readonly #feedback: Feedback;
  readonly #dialog: DialogOpener;
  /** An action under way: a second click (a double click) waits for it instead of sending it again. */
  #acting = false;
  /**
   * After an edit or an Undo: the user whose Edit button gets the focus once the list has loaded again
   * (their row may have moved; of several restored at once, the first in the list's order). An Undo
   * whose users are all on another page gives it to the first row's first action: the Undo button
   * went with its toast, and a row's button may now be another user's.
   */
  #refocus: { ids: readonly string[]; page: unknown; dialogClosed?: Promise<unknown>; orFirstRow?: boolean } | undefined;

  constructor(host: LitElement, localize: LocalizeController, data: UsersDataController, selection: SelectionController, feedback: Feedback, dialog: DialogOpener) {
    this.#host = host;
    this.#localize = localize;
    this.#data = data;
    this.#selection = selection;
    this.#feedback = feedback;
    this.#dialog = dialog;
    host.addController(this);
  }

  /** A call a dialog makes: a refusal fires panta-error and goes back to the dialog, which shows it. */
  async #dialogCall<T>(operation: string, call: (client: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.#data.requireClient());
    } catch (error) {
      // A call the dialog cancelled (closed during an upload) failed nothing.
      if (!isAbort(error)) this.#feedback.reportActionError(operation, error, false);
      throw error;
    }
  }

  readonly invite = (input: InviteUserInput) =>
    this.#dialogCall('users.invite', async (client) => {
      const { view, ...user } = await client.users.invite.mutate({ ...input, view: this.#data.view() });
      this.#feedback.notify('success', this.#localize.messages.toastInvited(user.email));
      this.#feedback.emit('panta-user-invited', { user });
      this.#data.applyView(view);
    });

  readonly update = (input: UpdateUserInput) =>
    this.#dialogCall('users.update', async (client) => {
      const { view, ...user } = await client.users.update.mutate({ ...input, view: this.#data.view() });
      this.#feedback.notify('success', this.#localize.messages.toastUpdated(displayName(user)));
      this.#feedback.emit('panta-user-updated', { user });
      const dialog = openDialogIn(this.#host.renderRoot);
      const dialogClosed = dialog ? new Promise((resolve) => dialog.addEventListener('dialog-close', resolve, { once: true })) : undefined;
      this.#refocus = { ids: [user.id], page: this.#data.page, dialogClosed };
      this.#data.applyView(view);
    });

  readonly restoreInstead = (id: string) =>
    this.#dialogCall('users.restore', async (client) => {
      const { results, view } = await client.users.restore.mutate({ ids: [id], view: this.#data.view() });
      this.#feedback.notify('success', this.#localize.messages.toastRestored(results[0]?.email ?? ''));
      this.#feedback.emit('panta-user-restored', { ids: [id], results });
      this.#data.applyView(view);
    });

  readonly imports: ImportCalls = {
    template: (lang) => this.#dialogCall('imports.template', (client) => client.imports.template.query({ lang })),
    preview: (form, onUploadProgress, signal) =>
      this.#dialogCall('imports.preview', (client) => client.imports.preview.mutate(form, { signal, context: { onUploadProgress } })),
    errorReport: (form, onUploadProgress) =>
      this.#dialogCall('imports.errorReport', (client) => client.imports.errorReport.mutate(form, { context: { onUploadProgress } })),
    commit: (form, onUploadProgress) =>
      this.#dialogCall('imports.commit', async (client) => {
        const result = await client.imports.commit.mutate(form, { context: { onUploadProgress } });
        this.#imported(result.invited, result.totals.skipped);
        this.#data.refresh();
        return result;
      }),
  };

  /** An import, or a list of addresses, invited people: said, and told the host (`panta-users-imported`). */
  #imported(invited: number, skipped: number) {
    this.#feedback.notify('success', this.#localize.messages.toastImported(invited, this.#localize.number(invited)));
    this.#feedback.emit('panta-users-imported', { invited, skipped });
  }

  readonly invites: InviteListCalls = {
    check: (entries) => this.#dialogCall('users.checkInvites', (client) => client.users.checkInvites.mutate({ entries })),
    inviteMany: (entries) =>
      this.#dialogCall('users.inviteMany', async (client) => {
        const { invited, view } = await client.users.inviteMany.mutate({ entries, view: this.#data.view() });
        this.#imported(invited, 0);
        this.#data.applyView(view);
      }),
  };

  /**
   * Runs an action on some users, or on all that `matching` selects: veto and confirmation first
   * where it destroys, or acts beyond the page (with the count the server will act on), then one
   * call. All matching changed between the count and the call (the server refuses): asked again,
   * with the new count. `ids`: of users not at hand (Undo of a delete of all matching). `undo`: a
   * delete's Undo, which puts the focus on the restored user's row.
   */
  async run(action: MatchingAction, users: User[], matching?: MatchingFilter, ids = users.map((user) => user.id), undo = false) {
    if ((ids.length === 0 && !matching) || this.#acting) return;
    this.#acting = true;
    try {
      const m = this.#localize.messages;
      const number = (n: number) => this.#localize.number(n);
      const only = users.length === 1 ? users[0] : undefined;
      let who = only ? displayName(only) : m.someUsers(number(ids.length));
      const client = this.#data.requireClient();
      let counted: MatchingCount | undefined;
      /** Why the previous confirmation no longer holds. */
      let changed: PantaErrorData | undefined;
      for (;;) {
        try {
          if (matching) {
            counted = await client.users.matchingCount.query({ action, filter: matching });
            // None left to act on: nothing to confirm, and said why (none matches, or a resend finds none due).
            if (!counted.count) {
              const why = counted.matching ? m.noneDue(number(counted.matching)) : matching.expired ? m.noneExpired : m.noneMatching;
              return this.#feedback.notify('success', why);
            }
            who = m.someUsers(number(counted.count));
          }
          if ((action === 'delete' || action === 'purge') && !changed) {
            const detail = { ids, users, matching: matching && { filter: matching, count: counted!.count } };
            if (!this.#host.dispatchEvent(new PantaEvent(action === 'delete' ? 'panta-request-delete' : 'panta-request-purge', detail, { cancelable: true }))) return;
          }
          // A resend or restore of ticked rows goes ahead unasked.
          if (matching || action === 'delete' || action === 'purge') {
            const confirmDialog = await this.#dialog('panta-confirm-dialog');
            if (!confirmDialog) return;
            const options = (await loadConfirmation())(this.#localize, action, who, users.map(displayName), this.#data.summary?.retentionDays, counted);
            if (changed) options.message = `${this.#localize.errorMessage(changed)} ${options.message}`;
            if (!(await confirmDialog.ask(options))) return;
          }
          const [procedure, eventName, toast] = (
            {
              resend: ['resendInvitations', 'panta-invitation-resent', m.toastResent],
              delete: ['delete', 'panta-user-deleted', m.toastDeleted],
              restore: ['restore', 'panta-user-restored', m.toastRestored],
              purge: ['purge', 'panta-user-purged', m.toastPurged],
            } as const
          )[action];
          const view = this.#data.view();
          const { results, view: answered } = matching
            ? await client.users.actOnMatching.mutate({ action, filter: matching, expectedCount: counted!.count, view })
            : await client.users[procedure].mutate({ ids, view });
          // The bulk bar's action (on every ticked row, or all matching) ends the selection; a row's own
          // action keeps the other ticks (those of rows that left the list drop when it loads again).
          const selected = this.#selection.ids;
          if (matching || (ids.length === selected.size && ids.every((id) => selected.has(id)))) this.#selection.clear();
          const acted = results.map((result) => result.id);
          const skipped = results.filter((result) => result.outcome === 'skipped_recently_sent').length;
          // A delete can be taken back for a while: Undo restores exactly these users, the normal way (by ids: up to a page's worth).
          const undoAction = action === 'delete' && acted.length <= BULK_IDS_MAX ? { label: m.undo, run: () => void this.run('restore', users, undefined, acted, true) } : undefined;
          this.#feedback.notify('success', skipped > 0 ? m.toastResentSome(number(results.length - skipped), skipped, number(skipped)) : toast(who), undefined, undoAction);
          this.#feedback.emit(eventName, { ids: matching ? acted : ids, results });
          if (undo) this.#refocus = { ids: acted, page: this.#data.page, orFirstRow: true };
          this.#data.applyView(answered);
          return;
        } catch (error) {
          changed = errorDataOf(error);
          const again = matching && changed?.reason === 'MATCHING_CHANGED';
          this.#feedback.reportActionError(matching ? 'users.actOnMatching' : `users.${action}`, error, !again);
          if (!again) return;
        }
      }
    } finally {
      this.#acting = false;
    }
  }

  /**
   * Copy invitation link: a fresh link (the previous one stops working), put on the clipboard and
   * shown once in the toast, for a host whose users cannot receive email; no email goes out.
   */
  async copyLink(user: User) {
    try {
      const { link } = await this.#data.requireClient().users.invitationLink.mutate({ id: user.id });
      // Refused (no permission, an insecure page): the toast says so and shows the link to copy by hand, until closed.
      const copied = await navigator.clipboard.writeText(link).then(
        () => true,
        () => false,
      );
      const outcome = this.#localize.messages.linkCopied(displayName(user), copied);
      // Said without the link: a screen reader would spell out the whole URL.
      this.#feedback.toasts.show(copied ? 'success' : 'error', `${outcome}: ${link}`);
      this.#feedback.announce(copied ? 'polite' : 'assertive', outcome);
      this.#data.refresh();
    } catch (error) {
      this.#feedback.reportActionError('users.invitationLink', error, true);
    }
  }

  /** The focus after an edit or an Undo, once the list that moved the row is drawn. */
  hostUpdated(): void {
    const refocus = this.#refocus;
    const page = this.#data.page;
    // The page changes when the list has loaded again; the table draws it once this update is done.
    if (refocus && page !== refocus.page) {
      this.#refocus = undefined;
      // After the dialog has given focus back to its opener (when its close event comes): on a busy
      // page the list can be back first, and the dialog would then move the focus to whoever now has
      // the opener's row.
      void Promise.all([this.#host.updateComplete, refocus.dialogClosed]).then(() => {
        const rows = [...this.#host.renderRoot.querySelectorAll<HTMLElement>('[data-user-id]')];
        const row = rows.find((candidate) => refocus.ids.includes(candidate.dataset.userId!));
        (row?.querySelector<HTMLElement>('[data-action="edit"]') ?? (refocus.orFirstRow ? rows[0]?.querySelector<HTMLElement>('[data-action]') : null))?.focus();
      });
    }
  }
}
