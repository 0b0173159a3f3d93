import { TaskStatus } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { PAGE_SIZE_DEFAULT, ROLE_FILTERS, type RoleFilter, type SortDirection, type SortField } from '../../shared/constants.ts';
import { EXPORT_FORMATS, type ExportFormat, exportUsersUrl } from '../../shared/export-url.ts';
import type { User, UserList } from '../../shared/schemas.ts';
import type { ActivityCalls } from '../activity-view/activity-view.ts';
import { errorDataOf } from '../api/client.ts';
import { FocusController } from '../controllers/focus-controller.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import type { PantaUserManagementProperties } from '../public-api.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { downloadExport } from '../internal/download.ts';
import '../user-table/user-table.ts';
import type { PantaUserTable, SelfLock, TableCalls } from '../user-table/user-table.ts';
import { ActionsController } from './actions-controller.ts';
import { type DialogTag, loadDialog, openDialogIn, prefetchDialogs } from './dialogs.ts';
import { Feedback } from './feedback.ts';
import { bulkActions } from './bulk-actions.ts';
import { expiredFilter } from './expired-filter.ts';
import { inactiveFilter } from './inactive-filter.ts';
import { kpis } from './kpis.ts';
import { PageSizeController } from './page-size-controller.ts';
import { LiveController } from './live-controller.ts';
import { focusRule } from './focus-rule.ts';
import { SelectionController } from './selection-controller.ts';
import { tabs } from './tabs.ts';
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
 * @csspart bulk-dock - While rows are selected: the toasts and the bulk bar, held at the screen's top (`top` moves them).
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
  // Before the data: the stored page size is known when the first page is asked for.
  readonly #pageSize = new PageSizeController(this);
  readonly #data = new UsersDataController(this, {
    failed: (operation, error) => {
      this.#feedback.errorEvent(operation, error);
      if (operation === 'users.summary') this.#feedback.announce('assertive', this.#localize.messages.summaryFailed);
    },
    signedOut: () => this.#feedback.emit('panta-unauthorized', { reason: 'NOT_SIGNED_IN' }),
    listed: (list: UserList, query: ListQuery) => {
      // Only for a search or filter just made, or just taken away on the same tab: a reload after an
      // action announces that action instead. A reload (a live change, Refresh) keeps the ticks of the rows still shown.
      this.#selection.keepOnly(list.items.map((user) => user.id));
      const previous = this.#lastListed;
      this.#lastListed = query;
      const unfiltered = previous !== undefined && previous.tab === query.tab && isFiltered(previous);
      if (query !== previous && (isFiltered(query) || unfiltered)) this.#feedback.announce('polite', this.#localize.messages.resultsAnnounced(this.#localize.total(list)));
    },
  });
  readonly #feedback = new Feedback(this, this.#localize, this.#data);
  readonly #selection = new SelectionController(
    this,
    () => this.#data.query,
    () => this.#feedback.announce('polite', this.#localize.messages.selectionCleared),
  );
  readonly #focus = new FocusController(this, focusRule(this));
  readonly #live = new LiveController(this, this.#data, {
    dialogOpen: () => Boolean(openDialogIn(this.renderRoot)),
    refused: (error) => {
      if (errorDataOf(error)?.code !== 'TOO_MANY_REQUESTS') this.#feedback.errorEvent('users.changes', error);
      // The status beside the title is for the eye; a screen reader hears it through the element's own region.
      else this.#feedback.announce('assertive', this.#localize.errorMessage(errorDataOf(error)));
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
    outdated: () => this.#feedback.announce('polite', this.#localize.messages.listOutdated),
  });
  readonly #actions = new ActionsController(this, this.#localize, this.#data, this.#selection, this.#feedback, (tag) => this.#dialog(tag));

  @query('panta-user-table') private table: PantaUserTable | null | undefined;

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

  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #readyFired = false;
  /** The query of the page listed last: a page of the same query is a reload, not a new search. */
  #lastListed: ListQuery | undefined;

  protected override updated(): void {
    const { summary, page } = this.#data;
    if (!this.#readyFired && summary && page) {
      this.#readyFired = true;
      this.#feedback.emit('panta-ready', { summary });
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

  #onSearchInput(event: InputEvent) {
    this.searchInput = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#applySearch(), SEARCH_DEBOUNCE_MS);
  }

  #applySearch() {
    clearTimeout(this.#searchTimer);
    this.#data.setQuery({ search: this.searchInput.trim() });
  }

  #onRoleChange(event: Event) {
    this.#data.setQuery({ role: (event.target as HTMLSelectElement).value as RoleFilter });
  }

  /**
   * A control focused beneath the bulk bar's dock (rows scroll under it while it is held at the
   * screen's top), as Shift+Tab reaches one, comes out from under it: the browser scrolls a focused
   * control into view, but a sticky bar over it counts as in view.
   */
  readonly #unhideFocus = (event: FocusEvent) => {
    const dock = this.renderRoot.querySelector('.dock');
    const control = event.composedPath()[0] as Element;
    // Keyboard focus only: a click on a control's visible part should not scroll the list under the pointer.
    if (!dock || dock.contains(control) || !control.matches(':focus-visible')) return;
    const [box, over] = [control.getBoundingClientRect(), dock.getBoundingClientRect()];
    if (box.top < over.bottom && box.bottom > over.top) control.scrollIntoView({ block: 'center' });
  };

  // The table's and the dialogs' callbacks are fields, not arrows made in render(): a new function
  // each render would be a new property value and draw the table or the dialog again on every change.
  readonly #tableCalls: TableCalls = {
    sortBy: (by: SortField) => {
      const { sort } = this.#data.query;
      const direction: SortDirection = sort.by === by && sort.direction === 'asc' ? 'desc' : 'asc';
      this.#data.setQuery({ sort: { by, direction } });
    },
    // A cursor is of the page shown: not of another sort or tab still loading.
    goTo: (offset, cursor) => this.#data.setQuery({ offset, cursor: this.#data.pageIsStale ? undefined : cursor }),
    toggleRow: (id, checked) => this.#selection.toggle(id, checked),
    togglePage: (users, checked) => this.#selection.set(checked ? users.filter((user) => !this.#selfLock(user)).map((user) => user.id) : []),
    act: (action, user) => {
      // Rows of a view being left are inert; this holds for a click already on its way too.
      if (this.#data.pageIsStale) return;
      if (action === 'edit') void this.#openEdit(user);
      else if (action === 'link') void this.#actions.copyLink(user);
      else if (action === 'details') void this.#dialog('panta-user-detail').then((panel) => panel?.show(user));
      else void this.#actions.run(action, [user]);
    },
    retry: () => this.#data.reloadPage(),
    lock: (user) => this.#selfLock(user),
    serverNow: () => this.#data.serverNow(),
  };

  /** The detail panel's and the Activity view's. */
  readonly #detailCalls: ActivityCalls = {
    client: () => this.#data.requireClient(),
    report: (operation, error) => void this.#feedback.errorEvent(operation, error),
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
      this.#feedback.reportActionError(`open ${tag}`, error, true);
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
      this.#feedback.reportActionError('export', error, true);
    }
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
        ${this.#data.query.tab === 'active' ? inactiveFilter(this.#localize, this.#data.query.inactiveDays, (inactiveDays) => this.#data.setQuery({ inactiveDays })) : nothing}
        ${this.#data.query.tab === 'pending'
          ? expiredFilter(this.#localize, Boolean(this.#data.query.expired), (expired) => this.#data.setQuery({ expired }), () =>
              this.#actions.run('resend', [], { tab: 'pending', search: '', role: 'all', expired: true }),
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

  /** Quiet: a word beside Refresh when a change arrived, that the list may be out of date, or why the feed is off. */
  #renderLiveStatus() {
    const refusal = this.#live.refusal;
    const m = this.#localize.messages;
    const shown = refusal ? this.#localize.errorMessage(errorDataOf(refusal)) : this.#data.outdated ? m.listOutdated : this.#live.updated ? m.liveUpdated : '';
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
    // While rows are selected the toasts stack above the bulk bar, in its dock (see the styles).
    let bulk: unknown = nothing;
    if (meStatus === TaskStatus.ERROR) {
      content = html`<div class="message" part="empty" role="alert">${this.#localize.errorMessage(errorDataOf(meTask.error))}</div>`;
    } else if (meTask.value === undefined || (meTask.value === null && meStatus !== TaskStatus.COMPLETE)) {
      content = html`<div class="message" part="empty">${m.loading}</div>`;
    } else if (!me?.isAdmin) {
      // While a replaced token is checked the previous view stays; no admin call goes out until it is.
      content = this.#renderAccessDenied(Boolean(me));
    } else {
      const { page } = this.#data;
      bulk = bulkActions(this.#localize, this.#data, this.#selection, this.#feedback, this.#actions, (user) => this.#selfLock(user));
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
        ${kpis(this.#localize, this.#data)} ${tabs(this.#localize, this.#data)}
        <div role="tabpanel" id="panel" part="panel" aria-labelledby="tab-${this.#data.query.tab}" @focusin=${this.#unhideFocus}>
          ${this.#renderToolbar()} ${bulk === nothing ? nothing : html`<div class="dock" part="bulk-dock">${this.#feedback.renderToasts()} ${bulk}</div>`} ${this.#renderTable()}
        </div>
        <panta-add-user-dialog
          lang=${this.#localize.locale}
          .invite=${this.#actions.invite}
          .imports=${this.#actions.imports}
          .invites=${this.#actions.invites}
          .restore=${this.#actions.restoreInstead}
        ></panta-add-user-dialog>
        <panta-edit-user-dialog lang=${this.#localize.locale} .save=${this.#actions.update}></panta-edit-user-dialog>
        <panta-confirm-dialog lang=${this.#localize.locale}></panta-confirm-dialog>
        <panta-user-detail lang=${this.#localize.locale} .calls=${this.#detailCalls}></panta-user-detail>
        <panta-activity-view lang=${this.#localize.locale} .calls=${this.#detailCalls}></panta-activity-view>
      `;
    }
    return html`
      <div class="base" part="base" lang=${this.#localize.locale}>
        ${bulk === nothing ? this.#feedback.renderToasts() : nothing} ${content}
        <div class="visually-hidden" part="live-region live-region-polite" role="status" aria-live="polite" aria-atomic="true">${this.#feedback.announcements.polite}</div>
        <div class="visually-hidden" part="live-region live-region-assertive" role="alert" aria-live="assertive" aria-atomic="true">${this.#feedback.announcements.assertive}</div>
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
