import { TaskStatus } from '@lit/task';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import { BULK_IDS_MAX, PAGE_SIZE_DEFAULT, ROLE_FILTERS, TABS, type MatchingAction, type RoleFilter, type SortDirection, type SortField, type Tab } from '../../shared/constants.ts';
import type { PantaErrorData } from '../../shared/errors.ts';
import { EXPORT_FORMATS, type ExportFormat, exportUsersUrl } from '../../shared/export-url.ts';
import type { InviteUserInput, MatchingCount, MatchingFilter, Summary, UpdateUserInput, User, UserList } from '../../shared/schemas.ts';
import type { ImportCalls } from '../add-user-dialog/add-user-dialog.ts';
import type { InviteListCalls } from '../add-user-dialog/invite-chips.ts';
import type { ActivityCalls } from '../activity-view/activity-view.ts';
import { type ApiClient, errorDataOf, isAbort } from '../api/client.ts';
import { FocusController } from '../controllers/focus-controller.ts';
import { type Toast, type ToastAction, ToastController } from '../controllers/toast-controller.ts';
import { type PantaEventDetails, PantaEvent, type PantaEventName } from '../events/events.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import type { PantaUserManagementProperties } from '../public-api.ts';
import { displayName } from '../internal/display-name.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { downloadExport } from '../internal/download.ts';
import { handleTabsKeydown } from '../internal/tabs-keyboard.ts';
import '../user-table/user-table.ts';
import type { PantaUserTable, SelfLock, TableCalls } from '../user-table/user-table.ts';
import { DIALOG_TAGS, type DialogTag, loadConfirmation, loadDialog, prefetchDialogs } from './dialogs.ts';
import { expiredFilter } from './expired-filter.ts';
import { inactiveFilter } from './inactive-filter.ts';
import { PageSizeController } from './page-size-controller.ts';
import { LiveController } from './live-controller.ts';
import { focusRule } from './focus-rule.ts';
import { SelectionController } from './selection-controller.ts';
import styles from './user-management.styles.ts';
import { type ListQuery, UsersDataController, filterOf, isFiltered } from './users-data-controller.ts';

/** How long typing pauses before the search goes to the server. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * Manages the people of a workspace: onboarding KPIs, Active users / Pending invitations / Recently
 * deleted tabs, search, role filter, sorting, paging, and every lifecycle action, against the
 * user-management tRPC API.
 *
 * @summary Embeddable admin for workspace users.
 * @tagname panta-user-management
 *
 * @event {PantaReadyDetail} panta-ready - The first data has loaded. detail: `{ summary }`.
 * @event {PantaUserDetail} panta-user-invited - An invitation was sent. detail: `{ user }`.
 * @event {PantaUserDetail} panta-user-updated - A user's role or names changed. detail: `{ user }`.
 * @event {PantaBulkDetail} panta-user-deleted - Users moved to Recently deleted. detail: `{ ids, results }`.
 * @event {PantaBulkDetail} panta-user-restored - Users came back from Recently deleted. detail: `{ ids, results }`.
 * @event {PantaBulkDetail} panta-user-purged - Users were deleted permanently. detail: `{ ids, results }`.
 * @event {PantaBulkDetail} panta-invitation-resent - Invitations were sent again. detail: `{ ids, results }`.
 * @event {PantaImportDetail} panta-users-imported - A bulk import invited people. detail: `{ invited, skipped }` (counts of rows).
 * @event {PantaUnauthorizedDetail} panta-unauthorized - No valid session: refresh `token`. detail: `{ reason }`.
 * @event {PantaErrorDetail} panta-error - A call failed. detail: `{ operation, message, data }` (`data` is the server's PantaErrorData).
 * @event {PantaRequestDetail} panta-request-delete - Cancelable, before a delete: `preventDefault()` vetoes it. detail: `{ ids, users }`.
 * @event {PantaRequestDetail} panta-request-purge - Cancelable, before a permanent delete. detail: `{ ids, users }`.
 *
 * @csspart base - The whole element.
 * @csspart header - Title and Add user button.
 * @csspart title - The heading.
 * @csspart add-button - Opens the Add user dialog.
 * @csspart refresh-button - Loads the figures and the visible page again (for hosts whose proxies block the live feed).
 * @csspart activity-button - Opens the workspace's Activity view (the audit log).
 * @csspart live-status - "Updated" for a moment after a change made elsewhere arrived, or why live updates are off.
 * @csspart kpis - The four KPI cards.
 * @csspart kpi - One KPI card (also `kpi-invited`, `kpi-completed`, `kpi-pending`, `kpi-completion-rate`).
 * @csspart kpi-label - A KPI's label.
 * @csspart kpi-value - A KPI's value.
 * @csspart kpi-error - In place of the KPIs when the summary could not be loaded, with Try again.
 * @csspart tabs - The tab list.
 * @csspart tab - A tab (the selected one also has `tab-selected`).
 * @csspart tab-count - The count next to a tab's label.
 * @csspart panel - The tab panel.
 * @csspart toolbar - Search, role filter and Export.
 * @csspart search - The search field.
 * @csspart role-filter - The role dropdown.
 * @csspart page-size - The "Rows per page" dropdown (25, 50, 100).
 * @csspart inactive-filter - The Active tab's "Not signed in for 30/60/90 days" dropdown.
 * @csspart expired-filter - The Pending tab's "Expired invitations" checkbox.
 * @csspart resend-expired - The Pending tab's "Resend all expired" (asks once, with the count).
 * @csspart last-sign-in - An active user's last sign-in ("3 days ago", the exact time as tooltip; "Never").
 * @csspart export - The Export buttons' group.
 * @csspart export-button - Downloads the visible tab (search, role filter and sort applied) as CSV or Excel.
 * @csspart bulk-actions - The bar of actions on selected rows.
 * @csspart select-matching - In the bulk bar, with the whole page ticked: "Select all N matching" (every page of the tab's search and filters).
 * @csspart table - The user table.
 * @csspart progress - The bar over the table while a page after the first loads.
 * @csspart row - A user's row (the signed-in admin's also has `row-self`).
 * @csspart role-badge - A role badge.
 * @csspart you-badge - The "You" marker.
 * @csspart state - The state column's content.
 * @csspart actions - A row's actions.
 * @csspart action - A row action: an icon button named for its user.
 * @csspart reason - Why an action is unavailable: its button's description, also shown in the tooltip.
 * @csspart tooltip - The tooltip of the row actions, on hover and focus.
 * @csspart empty - The empty, loading or error message.
 * @csspart pagination - Paging controls and "x–y of n".
 * @csspart access-denied - The panel standard users and visitors without a session see.
 * @csspart toasts - The toast stack.
 * @csspart toast - A toast (also `toast-success` or `toast-error`).
 * @csspart toast-action - A toast's Undo button (after a delete, for 10 seconds).
 * @csspart live-region - The screen-reader announcements: `live-region-polite` for outcomes, `live-region-assertive` for errors.
 *
 * @cssproperty --panta-font-family - Font family.
 * @cssproperty --panta-font-size - Base font size.
 * @cssproperty --panta-radius - Corner radius.
 * @cssproperty --panta-spacing - Spacing unit.
 * @cssproperty --panta-color-primary - Accent color.
 * @cssproperty --panta-color-on-primary - Text on the accent color.
 * @cssproperty --panta-color-danger - Destructive actions and errors.
 * @cssproperty --panta-color-success - Success toasts.
 * @cssproperty --panta-color-background - Background.
 * @cssproperty --panta-color-surface - Cards, toasts, panels.
 * @cssproperty --panta-color-text - Text.
 * @cssproperty --panta-color-text-muted - Secondary text.
 * @cssproperty --panta-color-border - Borders.
 * @cssproperty --panta-color-focus - Focus ring.
 */
export class PantaUserManagement extends LitElement implements PantaUserManagementProperties {
  static override styles = styles;

  readonly #localize = new LocalizeController(this);
  readonly #toasts = new ToastController(this);
  // Before the data: the stored page size is known when the first page is asked for.
  readonly #pageSize = new PageSizeController(this);
  readonly #data = new UsersDataController(this, {
    failed: (operation, error) => {
      this.#errorEvent(operation, error);
      if (operation === 'users.summary') this.#announce('assertive', this.#localize.messages.summaryFailed);
    },
    signedOut: () => this.#emit('panta-unauthorized', { reason: 'NOT_SIGNED_IN' }),
    listed: (list: UserList, query: ListQuery) => {
      // Only for a search or filter just made: a reload after an action announces that action instead.
      // A reload (a live change, Refresh) keeps the ticks of the rows still shown.
      this.#selection.keepOnly(list.items.map((user) => user.id));
      const fresh = query !== this.#lastListed;
      this.#lastListed = query;
      if (fresh && isFiltered(query)) this.#announce('polite', this.#localize.messages.resultsAnnounced(this.#localize.total(list)));
    },
  });
  readonly #selection = new SelectionController(this, () => this.#data.query);
  readonly #focus = new FocusController(this, focusRule(this));
  readonly #live = new LiveController(this, this.#data, {
    dialogOpen: () => Boolean(this.#openDialog()),
    refused: (error) => {
      if (errorDataOf(error)?.code !== 'TOO_MANY_REQUESTS') this.#errorEvent('users.changes', error);
      // The status beside the title is for the eye; a screen reader hears it through the element's own region.
      else this.#announce('assertive', this.#localize.errorMessage(errorDataOf(error)));
    },
    holdFocus: () => {
      // Rows are drawn by position: after a reload the focused button may be another user's.
      const focused = deepActiveElement();
      const id = focused?.closest<HTMLElement>('tr[data-user-id]')?.dataset.userId;
      const control = focused?.dataset.action;
      return () => {
        if (!id || !control || deepActiveElement() !== focused) return;
        this.renderRoot.querySelector<HTMLElement>(`[data-user-id="${id}"] [data-action="${control}"]`)?.focus();
      };
    },
  });

  @query('panta-user-table') private table: PantaUserTable | null | undefined;
  @queryAll('[part~="tab"]') private tabButtons!: NodeListOf<HTMLElement>;

  /** The tRPC endpoint of the user-management API, e.g. `https://portal.example/api/users`. */
  @property({ attribute: 'api-url' }) apiUrl = '';
  /** The bearer session. The host may replace it at any time; the element then loads again. */
  @property({ attribute: false }) token: string | undefined;
  /** `en` or `de`; falls back to `<html lang>`, then English. */
  @property() override lang!: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /** Rows per page, at most 100; an admin's choice of 25, 50 or 100 (kept under `page-size-key`) replaces it. */
  @property({ attribute: 'page-size', type: Number }) pageSize: number = PAGE_SIZE_DEFAULT;
  /** The localStorage key the admin's page size is kept under; give each element on a page its own. */
  @property({ attribute: 'page-size-key' }) pageSizeKey = 'panta-user-management.page-size';
  /** Follows changes made elsewhere as they happen (`users.changes`); `live="false"` turns it off. */
  @property({ converter: (value) => value !== 'false' }) live = true;

  @state() private searchInput = '';
  /** What the two live regions, made with the element, say: successes politely, errors assertively. */
  @state() private announcements = { polite: '', assertive: '' };

  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #readyFired = false;
  /** The query of the page listed last: a page of the same query is a reload, not a new search. */
  #lastListed: ListQuery | undefined;
  /** An action under way: a second click (a double click) waits for it instead of sending it again. */
  #acting = false;
  /**
   * After an edit or an Undo: the user whose Edit button gets the focus once the list has loaded again
   * (their row may have moved). An Undo whose user is on another page gives it to the first row's
   * first action: the Undo button went with its toast, and a row's button may now be another user's.
   */
  #refocus: { id: string; page: unknown; dialogClosed?: Promise<unknown>; orFirstRow?: boolean } | undefined;

  /** The `<panta-dialog>` open in one of the element's dialogs, if any. */
  #openDialog(): Element | null | undefined {
    return [...this.renderRoot.querySelectorAll(DIALOG_TAGS)].map((dialog) => dialog.shadowRoot?.querySelector('panta-dialog[open]')).find(Boolean);
  }

  protected override updated(): void {
    const refocus = this.#refocus;
    const page = this.#data.page;
    // The page changes when the list has loaded again; the table draws it once this update is done.
    if (refocus && page !== refocus.page) {
      this.#refocus = undefined;
      // After the dialog has given focus back to its opener (when its close event comes): on a busy
      // page the list can be back first, and the dialog would then move the focus to whoever now has
      // the opener's row.
      void Promise.all([this.updateComplete, refocus.dialogClosed]).then(() =>
        (
          this.renderRoot.querySelector<HTMLElement>(`[data-user-id="${refocus.id}"] [data-action="edit"]`) ??
          (refocus.orFirstRow ? this.renderRoot.querySelector<HTMLElement>('[data-user-id] [data-action]') : null)
        )?.focus(),
      );
    }
    const summary = this.#data.summary;
    if (!this.#readyFired && summary && page) {
      this.#readyFired = true;
      this.#emit('panta-ready', { summary });
      prefetchDialogs();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
  }

  /** Also waits for the table, which draws after this element: once this resolves, what shows is drawn. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await this.table?.updateComplete;
    return done;
  }

  // ---- handlers -----------------------------------------------------------

  #selectTab(tab: Tab) {
    if (tab === this.#data.query.tab) return;
    this.#data.setQuery({ tab, offset: 0, sort: { by: 'name', direction: 'asc' } });
  }

  #onTabKeydown(event: KeyboardEvent) {
    handleTabsKeydown(event, [...this.tabButtons], (index) => this.#selectTab(TABS[index] ?? 'active'));
  }

  #onSearchInput(event: InputEvent) {
    this.searchInput = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#applySearch(), SEARCH_DEBOUNCE_MS);
  }

  #applySearch() {
    clearTimeout(this.#searchTimer);
    this.#showQuery({ search: this.searchInput.trim() });
  }

  #onRoleChange(event: Event) {
    this.#showQuery({ role: (event.target as HTMLSelectElement).value as RoleFilter });
  }

  /** Another search, filter, sort or page: from its first row unless a page is given. */
  #showQuery(change: Partial<ListQuery>) {
    this.#data.setQuery({ offset: 0, ...change });
  }

  // The table's and the dialogs' callbacks are fields, not arrows made in render(): a new function
  // each render would be a new property value and draw the table or the dialog again on every change.
  readonly #tableCalls: TableCalls = {
    sortBy: (by: SortField) => {
      const { sort } = this.#data.query;
      const direction: SortDirection = sort.by === by && sort.direction === 'asc' ? 'desc' : 'asc';
      this.#showQuery({ sort: { by, direction } });
    },
    // A cursor is of the page shown: not of another sort or tab still loading.
    goTo: (offset, cursor) => this.#showQuery({ offset, cursor: this.#data.pageIsStale ? undefined : cursor }),
    toggleRow: (id, checked) => this.#selection.toggle(id, checked),
    togglePage: (users, checked) => this.#selection.set(checked ? users.filter((user) => !this.#selfLock(user)).map((user) => user.id) : []),
    act: (action, user) => {
      // Rows of a view being left are inert; this holds for a click already on its way too.
      if (this.#data.pageIsStale) return;
      if (action === 'edit') void this.#openEdit(user);
      else if (action === 'link') void this.#copyLink(user);
      else if (action === 'details') void this.#dialog('panta-user-detail').then((panel) => panel?.show(user));
      else void this.#runAction(action, [user]);
    },
    retry: () => this.#data.reloadPage(),
    lock: (user) => this.#selfLock(user),
    serverNow: () => this.#data.serverNow(),
  };

  /** A call a dialog makes: a refusal fires panta-error and goes back to the dialog, which shows it. */
  async #dialogCall<T>(operation: string, call: (client: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.#requireClient());
    } catch (error) {
      // A call the dialog cancelled (closed during an upload) failed nothing.
      if (!isAbort(error)) this.#reportActionError(operation, error, false);
      throw error;
    }
  }

  readonly #inviteUser = (input: InviteUserInput) =>
    this.#dialogCall('users.invite', async (client) => {
      const { view, ...user } = await client.users.invite.mutate({ ...input, view: this.#data.view() });
      this.#notify('success', this.#localize.messages.toastInvited(user.email));
      this.#emit('panta-user-invited', { user });
      this.#data.applyView(view);
    });

  readonly #updateUser = (input: UpdateUserInput) =>
    this.#dialogCall('users.update', async (client) => {
      const { view, ...user } = await client.users.update.mutate({ ...input, view: this.#data.view() });
      this.#notify('success', this.#localize.messages.toastUpdated(displayName(user)));
      this.#emit('panta-user-updated', { user });
      const dialog = this.#openDialog();
      const dialogClosed = dialog ? new Promise((resolve) => dialog.addEventListener('dialog-close', resolve, { once: true })) : undefined;
      this.#refocus = { id: user.id, page: this.#data.page, dialogClosed };
      this.#data.applyView(view);
    });

  readonly #restoreInstead = (id: string) =>
    this.#dialogCall('users.restore', async (client) => {
      const { results, view } = await client.users.restore.mutate({ ids: [id], view: this.#data.view() });
      this.#notify('success', this.#localize.messages.toastRestored(results[0]?.email ?? ''));
      this.#emit('panta-user-restored', { ids: [id], results });
      this.#data.applyView(view);
    });

  readonly #importCalls: ImportCalls = {
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
    this.#notify('success', this.#localize.messages.toastImported(invited, this.#localize.number(invited)));
    this.#emit('panta-users-imported', { invited, skipped });
  }

  readonly #inviteListCalls: InviteListCalls = {
    check: (entries) => this.#dialogCall('users.checkInvites', (client) => client.users.checkInvites.mutate({ entries })),
    inviteMany: (entries) =>
      this.#dialogCall('users.inviteMany', async (client) => {
        const { invited, view } = await client.users.inviteMany.mutate({ entries, view: this.#data.view() });
        this.#imported(invited, 0);
        this.#data.applyView(view);
      }),
  };

  /** The detail panel's and the Activity view's. */
  readonly #detailCalls: ActivityCalls = {
    client: () => this.#requireClient(),
    report: (operation, error) => void this.#errorEvent(operation, error),
    serverNow: () => this.#data.serverNow(),
    apiUrl: () => this.apiUrl,
    token: () => this.token,
    pageSize: () => this.pageSize,
  };

  /**
   * A dialog, its module loaded on first use (see dialogs.ts). A module that cannot load is said
   * like any unreachable server, and nothing opens.
   */
  async #dialog<T extends DialogTag>(tag: T): Promise<HTMLElementTagNameMap[T] | undefined> {
    try {
      return await loadDialog(this.renderRoot, tag);
    } catch (error) {
      this.#reportActionError(`open ${tag}`, error, true);
      return undefined;
    }
  }

  async #openAdd() {
    (await this.#dialog('panta-add-user-dialog'))?.show();
  }

  async #openEdit(user: User) {
    const lock = this.#selfLock(user);
    await (await this.#dialog('panta-edit-user-dialog'))?.show(user, lock && user.role === 'admin' ? lock.demote : '');
  }

  /**
   * Runs an action on some users, or on all that `matching` selects: veto and confirmation first
   * where it destroys, or acts beyond the page (with the count the server will act on), then one
   * call. All matching changed between the count and the call (the server refuses): asked again,
   * with the new count. `ids`: of users not at hand (Undo of a delete of all matching). `undo`: a
   * delete's Undo, which puts the focus on the restored user's row.
   */
  async #runAction(action: MatchingAction, users: User[], matching?: MatchingFilter, ids = users.map((user) => user.id), undo = false) {
    if ((ids.length === 0 && !matching) || this.#acting) return;
    this.#acting = true;
    try {
      const m = this.#localize.messages;
      const number = (n: number) => this.#localize.number(n);
      const only = users.length === 1 ? users[0] : undefined;
      let who = only ? displayName(only) : m.someUsers(number(ids.length));
      const client = this.#requireClient();
      let counted: MatchingCount | undefined;
      /** Why the previous confirmation no longer holds. */
      let changed: PantaErrorData | undefined;
      for (;;) {
        try {
          if (matching) {
            counted = await client.users.matchingCount.query({ action, filter: matching });
            // None left to act on (a resend: none due): nothing to confirm.
            if (!counted.count) return this.#notify('error', m.nothingChanged);
            who = m.someUsers(number(counted.count));
          }
          if ((action === 'delete' || action === 'purge') && !changed) {
            const detail = { ids, users, matching: matching && { filter: matching, count: counted!.count } };
            if (!this.dispatchEvent(new PantaEvent(action === 'delete' ? 'panta-request-delete' : 'panta-request-purge', detail, { cancelable: true }))) return;
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
          this.#selection.clear();
          const acted = results.map((result) => result.id);
          const skipped = results.filter((result) => result.outcome === 'skipped_recently_sent').length;
          // A delete can be taken back for a while: Undo restores exactly these users, the normal way (by ids: up to a page's worth).
          const undoAction = action === 'delete' && acted.length <= BULK_IDS_MAX ? { label: m.undo, run: () => void this.#runAction('restore', users, undefined, acted, true) } : undefined;
          this.#notify('success', skipped > 0 ? m.toastResentSome(number(results.length - skipped), skipped, number(skipped)) : toast(who), undefined, undoAction);
          this.#emit(eventName, { ids: matching ? acted : ids, results });
          if (undo) this.#refocus = { id: acted[0] ?? ids[0]!, page: this.#data.page, orFirstRow: true };
          this.#data.applyView(answered);
          return;
        } catch (error) {
          changed = errorDataOf(error);
          const again = matching && changed?.reason === 'MATCHING_CHANGED';
          this.#reportActionError(matching ? 'users.actOnMatching' : `users.${action}`, error, !again);
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
  async #copyLink(user: User) {
    try {
      const { link } = await this.#requireClient().users.invitationLink.mutate({ id: user.id });
      // Refused (no permission, an insecure page): the toast says so and shows the link to copy by hand, until closed.
      const copied = await navigator.clipboard.writeText(link).then(
        () => true,
        () => false,
      );
      const outcome = this.#localize.messages.linkCopied(displayName(user), copied);
      // Said without the link: a screen reader would spell out the whole URL.
      this.#toasts.show(copied ? 'success' : 'error', `${outcome}: ${link}`);
      this.#announce(copied ? 'polite' : 'assertive', outcome);
      this.#data.refresh();
    } catch (error) {
      this.#reportActionError('users.invitationLink', error, true);
    }
  }

  /** Downloads the visible tab, every page of it, with the current search, role filter and sort. */
  async #exportUsers(format: ExportFormat) {
    // What the search field holds, even if typed within the debounce: the file matches the list it leaves.
    if (this.searchInput.trim() !== this.#data.query.search) this.#applySearch();
    const { sort } = this.#data.query;
    const { inactiveDays, expired, ...filter } = filterOf(this.#data.query);
    const query = {
      ...filter,
      ...(inactiveDays ? { inactiveDays: String(inactiveDays) as '30' } : {}),
      ...(expired ? { expired: 'true' as const } : {}),
      sort: sort.by,
      direction: sort.direction,
      format,
      lang: this.#localize.language,
    };
    try {
      await downloadExport(exportUsersUrl(this.apiUrl, query), this.token, `users.${format}`);
    } catch (error) {
      this.#reportActionError('export', error, true);
    }
  }

  #requireClient(): ApiClient {
    const { client } = this.#data;
    if (!client) throw new Error('panta-user-management: set api-url first');
    return client;
  }

  #announce(politeness: 'polite' | 'assertive', message: string) {
    // Clearing first makes a repeated message be read again.
    this.announcements = { ...this.announcements, [politeness]: '' };
    requestAnimationFrame(() => (this.announcements = { ...this.announcements, [politeness]: message }));
  }

  /** An action's outcome: shown in a toast and said by the live region (toasts carry no live role of their own). */
  #notify(variant: 'success' | 'error', message: string, countdown?: Toast['countdown'], action?: ToastAction) {
    this.#toasts.show(variant, message, countdown, action);
    this.#announce(variant === 'success' ? 'polite' : 'assertive', action ? this.#localize.messages.undoAnnounced(message) : message);
  }

  #emit<K extends PantaEventName>(name: K, detail: PantaEventDetails[K]) {
    this.dispatchEvent(new PantaEvent(name, detail));
  }

  #errorEvent(operation: string, error: unknown): PantaErrorData | undefined {
    const data = errorDataOf(error);
    const message = this.#localize.errorMessage(data);
    this.#emit('panta-error', { operation, message, data });
    if (data?.code === 'UNAUTHORIZED') this.#emit('panta-unauthorized', { reason: data.reason ?? 'NOT_SIGNED_IN' });
    // Demoted or signed out meanwhile: ask again who this is, which shows the right panel.
    if ((data?.code === 'FORBIDDEN' || data?.code === 'UNAUTHORIZED') && operation !== 'session.me') this.#data.recheckSession();
    return data;
  }

  /**
   * A failed action or dialog call says why (in a toast unless a dialog shows it). A user that is
   * gone or moved meanwhile: the list is shown as it is now.
   */
  #reportActionError(operation: string, error: unknown, toast: boolean) {
    const data = this.#errorEvent(operation, error);
    const m = this.#localize.messages;
    // Demoted meanwhile: the panel that replaces the view (and any open dialog) says why, the toast that nothing was saved.
    const demoted = data?.reason === 'NOT_ADMIN';
    if (toast || demoted) {
      const message = (retryAfterSeconds?: number) =>
        demoted ? m.notAdminNotSaved : this.#localize.errorMessage(retryAfterSeconds === undefined ? data : { ...data!, retryAfterSeconds });
      const wait = data?.retryAfterSeconds;
      this.#notify('error', message(), wait ? { until: Date.now() + wait * 1000, message } : undefined);
    }
    // Also after a resend refused as too soon (another admin sent it meanwhile): the row then counts down to when it can.
    if (data?.code === 'NOT_FOUND' || data?.code === 'CONFLICT' || data?.reason === 'RESEND_TOO_SOON') this.#data.refresh();
  }

  /** Why the signed-in admin may not delete or demote this user, if that is the case. */
  #selfLock(user: User): SelfLock | undefined {
    if (user.id !== this.#data.me?.user.id) return undefined;
    const m = this.#localize.messages;
    const onlyAdmin = (this.#data.summary?.activeAdmins ?? 0) <= 1;
    const reason = (self: string) => (onlyAdmin ? `${self}. ${m.lastAdminReason}.` : self);
    return { delete: reason(m.reasons.SELF_DELETE()), demote: reason(m.reasons.SELF_DEMOTE()) };
  }

  // ---- rendering ----------------------------------------------------------

  #renderKpis(summary: Summary | undefined) {
    const m = this.#localize.messages;
    const value = (n: number | undefined) => (n === undefined ? '–' : this.#localize.number(n));
    const kpis = [
      ['invited', m.kpiInvited, value(summary?.kpis.invited)],
      ['completed', m.kpiCompleted, value(summary?.kpis.completed)],
      ['pending', m.kpiPending, value(summary?.kpis.pending)],
      ['completion-rate', m.kpiCompletionRate, summary ? this.#localize.percent(summary.kpis.completionRate) : '–'],
    ] as const;
    if (this.#data.summaryFailed) {
      return html`
        <section class="kpis" part="kpis" aria-label=${m.kpis}>
          <div class="kpi kpi-failed" part="kpi-error">
            <span>${m.summaryFailed}</span>
            <button type="button" class="button" data-retry="summary" @click=${() => this.#data.reloadSummary()}>${m.retry}</button>
          </div>
        </section>
      `;
    }
    return html`
      <section class="kpis" part="kpis" aria-label=${m.kpis}>
        ${kpis.map(
          ([key, label, shown]) => html`
            <div class="kpi" part="kpi kpi-${key}">
              <span class="kpi-label" part="kpi-label">${label}</span>
              <span class="kpi-value" part="kpi-value">${shown}</span>
            </div>
          `,
        )}
      </section>
    `;
  }

  #renderTabs(summary: Summary | undefined) {
    const m = this.#localize.messages;
    const labels: Record<Tab, string> = { active: m.tabActive, pending: m.tabPending, deleted: m.tabDeleted };
    return html`
      <div role="tablist" part="tabs" aria-label=${m.tabsLabel} @keydown=${this.#onTabKeydown}>
        ${TABS.map((tab) => {
          const selected = tab === this.#data.query.tab;
          const count = summary?.counts[tab];
          return html`
            <button
              type="button"
              role="tab"
              id="tab-${tab}"
              part="tab${selected ? ' tab-selected' : ''}"
              data-tab=${tab}
              aria-selected=${selected ? 'true' : 'false'}
              aria-controls="panel"
              tabindex=${selected ? 0 : -1}
              @click=${() => this.#selectTab(tab)}
            >
              <span>${labels[tab]}</span>
              <span class="count" part="tab-count">
                ${count !== undefined
                  ? this.#localize.number(count)
                  : this.#data.summaryFailed
                    ? html`<span aria-hidden="true">?</span><span class="visually-hidden">${m.countUnavailable}</span>`
                    : ''}
              </span>
            </button>
          `;
        })}
      </div>
    `;
  }

  #renderToolbar() {
    const m = this.#localize.messages;
    const roleLabels: Record<RoleFilter, string> = { all: m.allRoles, admin: m.roleAdmin, user: m.roleUser };
    return html`
      <div class="toolbar" part="toolbar">
        <div class="field">
          <label for="search">${m.searchLabel}</label>
          <input id="search" type="search" part="search" placeholder=${m.searchLabel} .value=${this.searchInput} @input=${this.#onSearchInput} />
        </div>
        <div class="field">
          <label for="role-filter">${m.role}</label>
          <select id="role-filter" part="role-filter" @change=${this.#onRoleChange}>
            ${ROLE_FILTERS.map((role) => html`<option value=${role} ?selected=${role === this.#data.query.role}>${roleLabels[role]}</option>`)}
          </select>
        </div>
        ${this.#pageSize.render(this.#localize)}
        ${this.#data.query.tab === 'active' ? inactiveFilter(this.#localize, this.#data.query.inactiveDays, (inactiveDays) => this.#showQuery({ inactiveDays })) : nothing}
        ${this.#data.query.tab === 'pending'
          ? expiredFilter(this.#localize, Boolean(this.#data.query.expired), (expired) => this.#showQuery({ expired }), () =>
              this.#runAction('resend', [], { tab: 'pending', search: '', role: 'all', expired: true }),
            )
          : nothing}
        <div class="field" role="group" part="export" aria-labelledby="export-label">
          <span id="export-label">${m.exportLabel}</span>
          <div class="actions">
            ${EXPORT_FORMATS.map(
              (format) =>
                html`<button type="button" class="button" part="export-button" data-export=${format} @click=${() => this.#exportUsers(format)}>
                  ${m.exportFormats[format]}
                </button>`,
            )}
          </div>
        </div>
      </div>
    `;
  }

  #renderBulkActions(users: User[]) {
    const selection = this.#selection;
    const { matching } = selection;
    if (selection.ids.size === 0 && !matching) return nothing;
    const m = this.#localize.messages;
    const number = (n: number) => this.#localize.number(n);
    const chosen = users.filter((user) => selection.ids.has(user.id));
    const page = this.#data.page;
    const total = page?.total ?? 0;
    const shown = page ? this.#localize.total(page) : '0';
    // Every row the page's checkbox ticks, and more on other pages: the rest can be chosen too.
    const offer = !matching && total > users.length && chosen.length === users.filter((user) => !this.#selfLock(user)).length;
    const said = matching ? m.allMatchingSelected(matching.shown) : m.selectedCount(number(chosen.length));
    const actions: [MatchingAction, string, string][] =
      this.#data.query.tab === 'pending'
        ? [
            ['resend', m.bulkResend, ''],
            ['delete', m.delete, 'danger'],
          ]
        : this.#data.query.tab === 'active'
          ? [['delete', m.delete, 'danger']]
          : [
              ['restore', m.restore, ''],
              ['purge', m.purge, 'danger'],
            ];
    return html`
      <div class="bulk" part="bulk-actions" role="region" aria-label=${said}>
        <span>${said}</span>
        ${offer
          ? html`<button
              type="button"
              class="button"
              part="select-matching"
              @click=${() => {
                selection.selectMatching(filterOf(this.#data.query), shown);
                this.#announce('polite', m.allMatchingSelected(shown));
              }}
            >
              ${m.selectAllMatching(shown)}
            </button>`
          : nothing}
        ${actions.map(
          ([action, label, variant]) =>
            html`<button type="button" class="button ${variant}" data-bulk=${action} @click=${() => this.#runAction(action, matching ? [] : chosen, matching?.filter)}>${label}</button>`,
        )}
        <button type="button" class="button" data-clear-selection @click=${() => selection.clear()}>${m.clearSelection}</button>
      </div>
    `;
  }

  #renderTable() {
    const data = this.#data;
    const { tab, sort } = data.query;
    return html`
      <panta-user-table
        lang=${this.#localize.locale}
        tab=${tab}
        .page=${data.page}
        .status=${data.listTask.status}
        .stale=${data.pageIsStale}
        .filtered=${isFiltered(data.query)}
        .sort=${sort}
        .selected=${this.#selection.ids}
        .me=${data.me}
        .summary=${data.summary}
        .calls=${this.#tableCalls}
      ></panta-user-table>
    `;
  }

  #renderToasts() {
    const m = this.#localize.messages;
    return html`
      <div
        class="toasts"
        part="toasts"
        role="region"
        aria-label=${m.notifications}
        ?hidden=${this.#toasts.toasts.length === 0}
        @mouseenter=${this.#toasts.pause}
        @mouseleave=${this.#toasts.resume}
        @focusin=${this.#toasts.pause}
        @focusout=${this.#toasts.resume}
      >
        ${this.#toasts.toasts.map(
          (toast) => html`
            <div class="toast ${toast.variant}" part="toast toast-${toast.variant}">
              <span>${toast.countdown ? toast.countdown.message(this.#toasts.secondsLeft(toast)) : toast.message}</span>
              ${toast.action ? html`<button type="button" class="toast-action" part="toast-action" @click=${() => this.#toasts.act(toast)}>${toast.action.label}</button>` : nothing}
              <button type="button" aria-label=${m.dismiss} @click=${() => this.#toasts.dismiss(toast.id)}>×</button>
            </div>
          `,
        )}
      </div>
    `;
  }

  /** Quiet: a word beside Refresh when a change arrived, or why the feed is off. */
  #renderLiveStatus() {
    const refusal = this.#live.refusal;
    const shown = refusal ? this.#localize.errorMessage(errorDataOf(refusal)) : this.#live.updated ? this.#localize.messages.liveUpdated : '';
    // A quiet hint, not a live region: announcements go through the element's two regions only.
    return html`<span class="live-status" part="live-status">${shown}</span>`;
  }

  #renderAccessDenied(signedIn: boolean) {
    const m = this.#localize.messages;
    return html`
      <section class="access-denied" part="access-denied" aria-labelledby="denied-title">
        <h2 id="denied-title">${m.notAdminTitle}</h2>
        <p>${signedIn ? m.notAdminBody : m.signedOutBody}</p>
      </section>
    `;
  }

  override render() {
    const m = this.#localize.messages;
    const { meTask, me } = this.#data;
    const meStatus = meTask.status;
    let content: unknown;
    if (meStatus === TaskStatus.ERROR) {
      content = html`<div class="message" part="empty" role="alert">${this.#localize.errorMessage(errorDataOf(meTask.error))}</div>`;
    } else if (meTask.value === undefined || (meTask.value === null && meStatus !== TaskStatus.COMPLETE)) {
      content = html`<div class="message" part="empty">${m.loading}</div>`;
    } else if (!me?.isAdmin) {
      // While a replaced token is checked the previous view stays; no admin call goes out until it is.
      content = this.#renderAccessDenied(Boolean(me));
    } else {
      const { summary, page } = this.#data;
      content = html`
        <div class="header" part="header">
          <h2 part="title">${m.title}</h2>
          ${this.#renderLiveStatus()}
          <button type="button" class="button primary" part="add-button" @click=${this.#openAdd}>${m.addUser}</button>
          <button type="button" class="button" part="refresh-button" @click=${() => this.#live.refresh()}>${m.refresh}</button>
          <button type="button" class="button" part="activity-button" aria-haspopup="dialog" @click=${() => this.#dialog('panta-activity-view').then((view) => view?.show())}>
            ${m.activity}
          </button>
        </div>
        ${this.#renderKpis(summary)} ${this.#renderTabs(summary)}
        <div role="tabpanel" id="panel" part="panel" aria-labelledby="tab-${this.#data.query.tab}">
          ${this.#renderToolbar()} ${this.#renderBulkActions(page?.items ?? [])} ${this.#renderTable()}
        </div>
        <panta-add-user-dialog
          lang=${this.#localize.locale}
          .invite=${this.#inviteUser}
          .imports=${this.#importCalls}
          .invites=${this.#inviteListCalls}
          .restore=${this.#restoreInstead}
        ></panta-add-user-dialog>
        <panta-edit-user-dialog lang=${this.#localize.locale} .save=${this.#updateUser}></panta-edit-user-dialog>
        <panta-confirm-dialog lang=${this.#localize.locale}></panta-confirm-dialog>
        <panta-user-detail lang=${this.#localize.locale} .calls=${this.#detailCalls}></panta-user-detail>
        <panta-activity-view lang=${this.#localize.locale} .calls=${this.#detailCalls}></panta-activity-view>
      `;
    }
    return html`
      <div class="base" part="base" lang=${this.#localize.locale}>
        ${this.#renderToasts()} ${content}
        <div class="visually-hidden" part="live-region live-region-polite" role="status" aria-live="polite" aria-atomic="true">${this.announcements.polite}</div>
        <div class="visually-hidden" part="live-region live-region-assertive" role="alert" aria-live="assertive" aria-atomic="true">${this.announcements.assertive}</div>
      </div>
    `;
  }
}

defineElement('panta-user-management', PantaUserManagement);

declare global {
  interface HTMLElementTagNameMap {
    'panta-user-management': PantaUserManagement;
  }
}
