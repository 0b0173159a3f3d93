import { Task, TaskStatus, initialState } from '@lit/task';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, ROLE_FILTERS, TABS, type RoleFilter, type SortDirection, type SortField, type Tab } from '../../shared/constants.ts';
import type { PantaErrorData } from '../../shared/errors.ts';
import { EXPORT_FORMATS, type ExportFormat, exportUsersUrl } from '../../shared/export.ts';
import type { InviteUserInput, Me, Summary, UpdateUserInput, User, UserList } from '../../shared/schemas.ts';
import '../add-user-dialog/add-user-dialog.ts';
import type { ImportCalls, PantaAddUserDialog } from '../add-user-dialog/add-user-dialog.ts';
import { ApiError, type ApiClient, authorization, createApiClient, errorDataOf, isAbort } from '../api/client.ts';
import '../confirm-dialog/confirm-dialog.ts';
import type { PantaConfirmDialog } from '../confirm-dialog/confirm-dialog.ts';
import { ToastController } from '../controllers/toast-controller.ts';
import '../edit-user-dialog/edit-user-dialog.ts';
import type { PantaEditUserDialog } from '../edit-user-dialog/edit-user-dialog.ts';
import { type PantaEventDetails, PantaEvent, type PantaEventName } from '../events/events.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { displayName } from '../internal/display-name.ts';
import { download } from '../internal/download.ts';
import { handleTabsKeydown } from '../internal/tabs-keyboard.ts';
import styles from './user-management.styles.ts';

/** How long typing pauses before the search goes to the server. */
const SEARCH_DEBOUNCE_MS = 250;

type BulkAction = 'resend' | 'delete' | 'restore' | 'purge';

/** A page of a tab, with the tab it is a page of: its rows are drawn for that tab until the next page arrives. */
type TabPage = UserList & { tab: Tab };

/**
 * Manages the people of a workspace: onboarding KPIs, Active users / Pending invitations / Recently
 * deleted tabs, search, role filter, sorting, paging, and every lifecycle action, against the
 * user-management tRPC API.
 *
 * @summary Embeddable admin for workspace users.
 * @tagname panta-user-management
 *
 * @event panta-ready - The first data has loaded. detail: `{ summary }`.
 * @event panta-user-invited - An invitation was sent. detail: `{ user }`.
 * @event panta-user-updated - A user's role or names changed. detail: `{ user }`.
 * @event panta-user-deleted - Users moved to Recently deleted. detail: `{ ids, results }`.
 * @event panta-user-restored - Users came back from Recently deleted. detail: `{ ids, results }`.
 * @event panta-user-purged - Users were deleted permanently. detail: `{ ids, results }`.
 * @event panta-invitation-resent - Invitations were sent again. detail: `{ ids, results }`.
 * @event panta-users-imported - A bulk import invited people. detail: `{ invited, skipped }` (counts of rows).
 * @event panta-unauthorized - No valid session: refresh `token`. detail: `{ reason }`.
 * @event panta-error - A call failed. detail: `{ operation, message, data }` (`data` is the server's PantaErrorData).
 * @event panta-request-delete - Cancelable, before a delete: `preventDefault()` vetoes it. detail: `{ ids, users }`.
 * @event panta-request-purge - Cancelable, before a permanent delete. detail: `{ ids, users }`.
 *
 * @csspart base - The whole element.
 * @csspart header - Title and Add user button.
 * @csspart title - The heading.
 * @csspart add-button - Opens the Add user dialog.
 * @csspart kpis - The four KPI cards.
 * @csspart kpi - One KPI card (also `kpi-invited`, `kpi-completed`, `kpi-pending`, `kpi-completion-rate`).
 * @csspart kpi-label - A KPI's label.
 * @csspart kpi-value - A KPI's value.
 * @csspart tabs - The tab list.
 * @csspart tab - A tab (the selected one also has `tab-selected`).
 * @csspart tab-count - The count next to a tab's label.
 * @csspart panel - The tab panel.
 * @csspart toolbar - Search, role filter and Export.
 * @csspart search - The search field.
 * @csspart role-filter - The role dropdown.
 * @csspart export - The Export buttons' group.
 * @csspart export-button - Downloads the visible tab (search, role filter and sort applied) as CSV or Excel.
 * @csspart bulk-actions - The bar of actions on selected rows.
 * @csspart table - The user table.
 * @csspart row - A user's row (the signed-in admin's also has `row-self`).
 * @csspart role-badge - A role badge.
 * @csspart you-badge - The "You" marker.
 * @csspart state - The state column's content.
 * @csspart actions - A row's actions.
 * @csspart action - A row action button.
 * @csspart reason - Why an action is unavailable.
 * @csspart empty - The empty, loading or error message.
 * @csspart pagination - Paging controls and "x–y of n".
 * @csspart access-denied - The panel standard users and visitors without a session see.
 * @csspart toasts - The toast stack.
 * @csspart toast - A toast (also `toast-success` or `toast-error`).
 * @csspart live-region - The screen-reader announcements.
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
export class PantaUserManagement extends LitElement {
  static override styles = styles;

  private readonly localize = new LocalizeController(this);
  private readonly toasts = new ToastController(this);

  @query('panta-add-user-dialog') private addDialog!: PantaAddUserDialog;
  @query('panta-edit-user-dialog') private editDialog!: PantaEditUserDialog;
  @query('panta-confirm-dialog') private confirmDialog!: PantaConfirmDialog;
  @queryAll('[part~="tab"]') private tabButtons!: NodeListOf<HTMLElement>;

  /** The tRPC endpoint of the user-management API, e.g. `https://portal.example/api/users`. */
  @property({ attribute: 'api-url' }) apiUrl = '';
  /** The bearer session. The host may replace it at any time; the element then loads again. */
  @property({ attribute: false }) token: string | undefined;
  /** `en` or `de`; falls back to `<html lang>`, then English. */
  @property() override lang!: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /** Rows per page, at most 100. */
  @property({ attribute: 'page-size', type: Number }) pageSize = PAGE_SIZE_DEFAULT;

  @state() private tab: Tab = 'active';
  @state() private searchInput = '';
  @state() private search = '';
  @state() private roleFilter: RoleFilter = 'all';
  @state() private sort: { by: SortField; direction: SortDirection } = { by: 'name', direction: 'asc' };
  @state() private offset = 0;
  @state() private selected = new Set<string>();
  @state() private announcement = '';
  /** Bumped after every change, so the summary and the list load again. */
  @state() private revision = 0;

  private client: ApiClient | undefined;
  /** The token `meTask.value` belongs to: while a new token is checked, the old answer does not count. */
  private meToken: string | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private readyFired = false;
  /** How far the server's clock is ahead of the browser's. */
  private clockSkewMs = 0;
  /** The table rows last drawn and what they were drawn from, for renders that change nothing in them (typing, toasts, announcements). */
  private drawnRows: { from: unknown[]; rows: unknown[] } | undefined;
  /** An action under way: a second click (a double click) waits for it instead of sending it again. */
  private acting = false;
  /** After an edit: the user whose Edit button gets the focus once the list has loaded again (their row may have moved). */
  private refocus: { id: string; page: unknown } | undefined;

  private readonly meTask = new Task(this, {
    args: () => [this.client, this.token] as const,
    task: async ([client, token], { signal }): Promise<Me> => {
      if (!client) {
        this.meToken = token;
        return null;
      }
      try {
        const me = await client.session.me.query(undefined, { signal });
        this.meToken = token;
        if (!me) this.emit('panta-unauthorized', { reason: 'NOT_SIGNED_IN' });
        return me;
      } catch (error) {
        this.reportLoadError('session.me', error);
        throw error;
      }
    },
  });

  private readonly summaryTask = new Task(this, {
    args: () => [this.client, this.token, this.isAdmin, this.revision] as const,
    task: async ([client, , isAdmin], { signal }): Promise<Summary | typeof initialState> => {
      if (!client || !isAdmin) return initialState;
      try {
        const summary = await client.users.summary.query(undefined, { signal });
        this.clockSkewMs = Date.parse(summary.serverTime) - Date.now();
        return summary;
      } catch (error) {
        this.reportLoadError('users.summary', error);
        throw error;
      }
    },
  });

  private readonly listTask = new Task(this, {
    args: () =>
      [this.client, this.token, this.isAdmin, this.tab, this.search, this.roleFilter, this.sort, this.offset, this.pageSize, this.revision] as const,
    task: async ([client, , isAdmin, tab, search, role, sort, offset, pageSize], { signal }): Promise<TabPage | typeof initialState> => {
      if (!client || !isAdmin) return initialState;
      try {
        const limit = Math.min(Math.max(1, pageSize), PAGE_SIZE_MAX);
        const list = await client.users.list.query({ tab, search, role, sort, offset, limit }, { signal });
        // A page emptied by an action: step back to the last page that has rows.
        if (list.items.length === 0 && list.total > 0 && offset > 0) {
          this.offset = Math.max(0, Math.floor((list.total - 1) / limit) * limit);
        }
        if (search || role !== 'all') this.announce(this.localize.messages.resultsAnnounced(this.localize.number(list.total)));
        return { ...list, tab };
      } catch (error) {
        this.reportLoadError('users.list', error);
        throw error;
      }
    },
  });

  private get me(): Me {
    return this.meTask.value ?? null;
  }

  private get isAdmin(): boolean {
    return this.meToken === this.token && this.me?.isAdmin === true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiUrl')) this.client = this.apiUrl ? createApiClient(this.apiUrl, () => this.token) : undefined;
  }

  protected override updated(): void {
    const { refocus } = this;
    // The page changes when the list has loaded again.
    if (refocus && this.listTask.value !== refocus.page) {
      this.refocus = undefined;
      this.renderRoot.querySelector<HTMLElement>(`[data-user-id="${refocus.id}"] [data-action="edit"]`)?.focus();
    }
    const summary = this.summaryTask.value;
    if (!this.readyFired && summary && this.listTask.value) {
      this.readyFired = true;
      this.emit('panta-ready', { summary });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
  }

  // ---- handlers -----------------------------------------------------------

  private selectTab(tab: Tab) {
    if (tab === this.tab) return;
    this.tab = tab;
    this.offset = 0;
    this.sort = { by: 'name', direction: 'asc' };
    this.clearSelection();
  }

  private onTabKeydown(event: KeyboardEvent) {
    handleTabsKeydown(event, [...this.tabButtons], (index) => this.selectTab(TABS[index] ?? 'active'));
  }

  private onSearchInput(event: InputEvent) {
    this.searchInput = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.applySearch(), SEARCH_DEBOUNCE_MS);
  }

  private applySearch() {
    clearTimeout(this.searchTimer);
    this.search = this.searchInput.trim();
    this.offset = 0;
    this.clearSelection();
  }

  private onRoleChange(event: Event) {
    this.roleFilter = (event.target as HTMLSelectElement).value as RoleFilter;
    this.offset = 0;
    this.clearSelection();
  }

  private sortBy(by: SortField) {
    const direction: SortDirection = this.sort.by === by && this.sort.direction === 'asc' ? 'desc' : 'asc';
    this.sort = { by, direction };
    this.goToOffset(0);
  }

  private goToOffset(offset: number) {
    this.offset = offset;
    this.clearSelection();
  }

  private toggleRow(id: string, checked: boolean) {
    const next = new Set(this.selected);
    if (checked) next.add(id);
    else next.delete(id);
    this.selected = next;
  }

  private clearSelection() {
    // A new empty set would draw every row again for nothing.
    if (this.selected.size > 0) this.selected = new Set();
  }

  private togglePage(users: User[], checked: boolean) {
    this.selected = new Set(checked ? users.filter((user) => !this.selfLock(user)).map((user) => user.id) : []);
  }

  /** A call a dialog makes: a refusal fires panta-error and goes back to the dialog, which shows it. */
  private async dialogCall<T>(operation: string, call: (client: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.requireClient());
    } catch (error) {
      this.reportActionError(operation, error, false);
      throw error;
    }
  }

  // The dialogs' callbacks are fields, not arrows made in render(): a new function each render
  // would be a new property value and draw the dialog again on every change of this element.
  private readonly inviteUser = (input: InviteUserInput) =>
    this.dialogCall('users.invite', async (client) => {
      const user = await client.users.invite.mutate(input);
      this.toasts.show('success', this.localize.messages.toastInvited(user.email));
      this.emit('panta-user-invited', { user });
      this.refresh();
    });

  private readonly updateUser = (input: UpdateUserInput) =>
    this.dialogCall('users.update', async (client) => {
      const user = await client.users.update.mutate(input);
      this.toasts.show('success', this.localize.messages.toastUpdated(displayName(user)));
      this.emit('panta-user-updated', { user });
      this.refocus = { id: user.id, page: this.listTask.value };
      this.refresh();
    });

  private readonly importCalls: ImportCalls = {
    template: (lang) => this.dialogCall('imports.template', (client) => client.imports.template.query({ lang })),
    preview: (form, onProgress) =>
      this.dialogCall('imports.preview', (client) => client.imports.preview.mutate(form, { context: { onUploadProgress: onProgress } })),
    errorReport: (form) => this.dialogCall('imports.errorReport', (client) => client.imports.errorReport.mutate(form)),
    commit: (form) =>
      this.dialogCall('imports.commit', async (client) => {
        const result = await client.imports.commit.mutate(form);
        const { invited } = result;
        this.toasts.show('success', this.localize.messages.toastImported(invited, this.localize.number(invited)));
        this.emit('panta-users-imported', { invited, skipped: result.totals.skipped });
        this.refresh();
        return result;
      }),
  };

  private openEdit(user: User) {
    const lock = this.selfLock(user);
    void this.editDialog.show(user, lock && user.role === 'admin' ? lock.demote : '');
  }

  /** Runs an action on some users: veto and confirmation first where it destroys, then one call. */
  private async runAction(action: BulkAction, users: User[]) {
    if (users.length === 0 || this.acting) return;
    this.acting = true;
    try {
      const m = this.localize.messages;
      const ids = users.map((user) => user.id);
      const only = users.length === 1 ? users[0] : undefined;
      const who = only ? displayName(only) : m.someUsers(this.localize.number(users.length));

      if (action === 'delete' || action === 'purge') {
        const request = new PantaEvent(action === 'delete' ? 'panta-request-delete' : 'panta-request-purge', { ids, users }, { cancelable: true });
        if (!this.dispatchEvent(request)) return;
        const retentionDays = this.summaryTask.value?.retentionDays;
        const confirmed = await this.confirmDialog.ask(
          action === 'delete'
            ? {
                heading: m.deleteTitle(who),
                message: m.deleteBody(who, retentionDays === undefined ? '…' : this.localize.number(retentionDays)),
                confirmLabel: m.delete,
                danger: true,
              }
            : { heading: m.purgeTitle(who), message: m.purgeBody(who), confirmLabel: m.purge, danger: true },
        );
        if (!confirmed) return;
      }

      const client = this.requireClient();
      const [procedure, eventName, toast] = (
        {
          resend: ['resendInvitations', 'panta-invitation-resent', m.toastResent],
          delete: ['delete', 'panta-user-deleted', m.toastDeleted],
          restore: ['restore', 'panta-user-restored', m.toastRestored],
          purge: ['purge', 'panta-user-purged', m.toastPurged],
        } as const
      )[action];
      try {
        const { results } = await client.users[procedure].mutate({ ids });
        this.clearSelection();
        this.toasts.show('success', toast(who));
        this.emit(eventName, { ids, results });
        this.refresh();
      } catch (error) {
        this.reportActionError(`users.${action}`, error, true);
      }
    } finally {
      this.acting = false;
    }
  }

  /** Downloads the visible tab, every page of it, with the current search, role filter and sort. */
  private async exportUsers(format: ExportFormat) {
    // What the search field holds, even if typed within the debounce: the file matches the list it leaves.
    if (this.searchInput.trim() !== this.search) this.applySearch();
    const { by: sort, direction } = this.sort;
    const query = { tab: this.tab, search: this.search, role: this.roleFilter, sort, direction, format, lang: this.localize.language };
    try {
      const response = await fetch(exportUsersUrl(this.apiUrl, query), { headers: authorization(this.token) });
      if (!response.ok) {
        const { error } = await response.json();
        throw new ApiError(error.message, error.data);
      }
      const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
      download(await response.blob(), filename ?? `users.${format}`);
    } catch (error) {
      this.reportActionError('export', error, true);
    }
  }

  private refresh() {
    this.revision += 1;
  }

  private requireClient(): ApiClient {
    if (!this.client) throw new Error('panta-user-management: set api-url first');
    return this.client;
  }

  /** Now, by the server's clock. */
  private serverNow(): number {
    return Date.now() + this.clockSkewMs;
  }

  private announce(message: string) {
    // Clearing first makes a repeated message be read again.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = message));
  }

  private emit<K extends PantaEventName>(name: K, detail: PantaEventDetails[K]) {
    this.dispatchEvent(new PantaEvent(name, detail));
  }

  private errorEvent(operation: string, error: unknown): PantaErrorData | undefined {
    const data = errorDataOf(error);
    const message = this.localize.errorMessage(data);
    this.emit('panta-error', { operation, message, data });
    if (data?.code === 'UNAUTHORIZED') this.emit('panta-unauthorized', { reason: data.reason ?? 'NOT_SIGNED_IN' });
    // Demoted or signed out meanwhile: ask again who this is, which shows the right panel.
    if ((data?.code === 'FORBIDDEN' || data?.code === 'UNAUTHORIZED') && operation !== 'session.me') void this.meTask.run();
    return data;
  }

  private reportLoadError(operation: string, error: unknown) {
    if (!isAbort(error)) this.errorEvent(operation, error);
  }

  /**
   * A failed action or dialog call says why (in a toast unless a dialog shows it). A user that is
   * gone or moved meanwhile: the list is shown as it is now.
   */
  private reportActionError(operation: string, error: unknown, toast: boolean) {
    const data = this.errorEvent(operation, error);
    if (toast) this.toasts.show('error', this.localize.errorMessage(data));
    if (data?.code === 'NOT_FOUND' || data?.code === 'CONFLICT') this.refresh();
  }

  /** Why the signed-in admin may not delete or demote this user, if that is the case. */
  private selfLock(user: User): { delete: string; demote: string } | undefined {
    if (user.id !== this.me?.user.id) return undefined;
    const m = this.localize.messages;
    const onlyAdmin = (this.summaryTask.value?.activeAdmins ?? 0) <= 1;
    const reason = (self: string) => (onlyAdmin ? `${self}. ${m.lastAdminReason}.` : self);
    return { delete: reason(m.reasons.SELF_DELETE()), demote: reason(m.reasons.SELF_DEMOTE()) };
  }

  // ---- rendering ----------------------------------------------------------

  private renderKpis(summary: Summary | undefined) {
    const m = this.localize.messages;
    const value = (n: number | undefined) => (n === undefined ? '–' : this.localize.number(n));
    const kpis = [
      ['invited', m.kpiInvited, value(summary?.kpis.invited)],
      ['completed', m.kpiCompleted, value(summary?.kpis.completed)],
      ['pending', m.kpiPending, value(summary?.kpis.pending)],
      ['completion-rate', m.kpiCompletionRate, summary ? this.localize.percent(summary.kpis.completionRate) : '–'],
    ] as const;
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

  private renderTabs(summary: Summary | undefined) {
    const m = this.localize.messages;
    const labels: Record<Tab, string> = { active: m.tabActive, pending: m.tabPending, deleted: m.tabDeleted };
    return html`
      <div role="tablist" part="tabs" aria-label=${m.tabsLabel} @keydown=${this.onTabKeydown}>
        ${TABS.map((tab) => {
          const selected = tab === this.tab;
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
              @click=${() => this.selectTab(tab)}
            >
              <span>${labels[tab]}</span>
              <span class="count" part="tab-count">${count === undefined ? '' : this.localize.number(count)}</span>
            </button>
          `;
        })}
      </div>
    `;
  }

  private renderToolbar() {
    const m = this.localize.messages;
    const roleLabels: Record<RoleFilter, string> = { all: m.allRoles, admin: m.roleAdmin, user: m.roleUser };
    return html`
      <div class="toolbar" part="toolbar">
        <div class="field">
          <label for="search">${m.searchLabel}</label>
          <input id="search" type="search" part="search" placeholder=${m.searchLabel} .value=${this.searchInput} @input=${this.onSearchInput} />
        </div>
        <div class="field">
          <label for="role-filter">${m.role}</label>
          <select id="role-filter" part="role-filter" @change=${this.onRoleChange}>
            ${ROLE_FILTERS.map((role) => html`<option value=${role} ?selected=${role === this.roleFilter}>${roleLabels[role]}</option>`)}
          </select>
        </div>
        <div class="field" role="group" part="export" aria-labelledby="export-label">
          <span id="export-label">${m.exportLabel}</span>
          <div class="actions">
            ${EXPORT_FORMATS.map(
              (format) =>
                html`<button type="button" class="button" part="export-button" data-export=${format} @click=${() => this.exportUsers(format)}>
                  ${m.exportFormats[format]}
                </button>`,
            )}
          </div>
        </div>
      </div>
    `;
  }

  private renderBulkActions(users: User[]) {
    if (this.selected.size === 0) return nothing;
    const m = this.localize.messages;
    const chosen = users.filter((user) => this.selected.has(user.id));
    const actions: [BulkAction, string, string][] =
      this.tab === 'pending'
        ? [
            ['resend', m.bulkResend, ''],
            ['delete', m.delete, 'danger'],
          ]
        : this.tab === 'active'
          ? [['delete', m.delete, 'danger']]
          : [
              ['restore', m.restore, ''],
              ['purge', m.purge, 'danger'],
            ];
    return html`
      <div class="bulk" part="bulk-actions" role="region" aria-label=${m.selectedCount(this.localize.number(chosen.length))}>
        <span>${m.selectedCount(this.localize.number(chosen.length))}</span>
        ${actions.map(
          ([action, label, variant]) =>
            html`<button type="button" class="button ${variant}" data-bulk=${action} @click=${() => this.runAction(action, chosen)}>${label}</button>`,
        )}
        <button type="button" class="button" @click=${() => this.clearSelection()}>${m.clearSelection}</button>
      </div>
    `;
  }

  private renderSortHeader(by: SortField, label: string) {
    const active = this.sort.by === by;
    const ariaSort = active ? (this.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
    return html`
      <th scope="col" aria-sort=${ariaSort}>
        <button type="button" data-sort=${by} @click=${() => this.sortBy(by)}>
          ${label} <span aria-hidden="true">${active ? (this.sort.direction === 'asc' ? '▲' : '▼') : ''}</span>
        </button>
      </th>
    `;
  }

  private renderState(user: User, tab: Tab) {
    const { messages: m } = this.localize;
    const date = (iso: string) => this.localize.date(iso);
    if (tab === 'active') {
      return html`<div class="state" part="state">${user.onboardedAt ? m.stateOnboarded(date(user.onboardedAt)) : ''}</div>`;
    }
    if (tab === 'pending') {
      const expires = user.invitationExpiresAt;
      // No link at all (restored from Recently deleted, whose delete revoked it) is not an expired one.
      const problem = !expires ? m.stateNoLink : Date.parse(expires) <= this.serverNow() ? m.stateExpired : '';
      return html`
        <div class="state" part="state">
          <span>${m.stateInvited(date(user.invitedAt))}</span>
          ${user.lastInvitationSentAt ? html`<span>${m.stateLastSent(date(user.lastInvitationSentAt))}</span>` : nothing}
          ${problem ? html`<span class="expired">${problem}</span>` : html`<span>${m.stateExpires(date(expires!))}</span>`}
        </div>
      `;
    }
    const days = user.purgeAt ? this.localize.daysUntil(user.purgeAt, this.serverNow()) : undefined;
    const retention = this.summaryTask.value?.retentionDays;
    const shownDays = days !== undefined && retention !== undefined ? Math.min(days, retention) : days;
    return html`
      <div class="state" part="state">
        ${user.deletedAt ? html`<span>${m.stateDeleted(date(user.deletedAt))}</span>` : nothing}
        ${shownDays !== undefined ? html`<span>${m.statePurgeIn(shownDays, this.localize.number(shownDays))}</span>` : nothing}
        ${user.status === 'pending' ? html`<span>${m.stateRestoresPending}</span>` : nothing}
      </div>
    `;
  }

  private renderActions(user: User, tab: Tab) {
    const m = this.localize.messages;
    const name = displayName(user);
    const lock = this.selfLock(user);
    const button = (action: string, label: string, run: () => void, reason?: string) => html`
      <button
        type="button"
        class="button"
        part="action"
        data-action=${action}
        aria-label=${m.actionFor(label, name)}
        aria-disabled=${reason ? 'true' : 'false'}
        aria-describedby=${reason ? `reason-${user.id}` : nothing}
        title=${reason ?? nothing}
        @click=${() => {
          if (!reason) run();
        }}
      >
        ${label}
      </button>
    `;
    const buttons =
      tab === 'deleted'
        ? [button('restore', m.restore, () => this.runAction('restore', [user])), button('purge', m.purge, () => this.runAction('purge', [user]))]
        : [
            button('edit', m.edit, () => this.openEdit(user)),
            tab === 'pending' ? button('resend', m.resend, () => this.runAction('resend', [user])) : nothing,
            button('delete', m.delete, () => this.runAction('delete', [user]), lock?.delete),
          ];
    return html`
      <div class="actions" part="actions">
        ${buttons} ${lock ? html`<span class="reason" part="reason" id="reason-${user.id}">${lock.delete}</span>` : nothing}
      </div>
    `;
  }

  private renderRow(user: User, tab: Tab) {
    const m = this.localize.messages;
    const self = user.id === this.me?.user.id;
    const name = displayName(user);
    return html`
      <tr part="row${self ? ' row-self' : ''}" data-user-id=${user.id}>
        <td>
          <input
            type="checkbox"
            aria-label=${m.selectRow(name)}
            .checked=${this.selected.has(user.id)}
            ?disabled=${Boolean(this.selfLock(user))}
            @change=${(event: Event) => this.toggleRow(user.id, (event.target as HTMLInputElement).checked)}
          />
        </td>
        <td>
          <span part="name">${`${user.firstName} ${user.lastName}`.trim()}</span>
          ${self ? html` <span class="badge" part="you-badge">${m.you}</span>` : nothing}
        </td>
        <td part="email">${user.email}</td>
        <td><span class="badge ${user.role}" part="role-badge">${user.role === 'admin' ? m.roleAdmin : m.roleUser}</span></td>
        <td>${this.renderState(user, tab)}</td>
        <td>${this.renderActions(user, tab)}</td>
      </tr>
    `;
  }

  private renderMessageRow(content: unknown) {
    return html`<tr><td colspan="6"><div class="message" part="empty">${content}</div></td></tr>`;
  }

  /**
   * A page's rows, drawn for the tab the page belongs to. Drawn anew only when something they show
   * changed: a hundred rows cost more than the rest of the element together.
   */
  private renderRows(page: TabPage) {
    const from = [page, this.selected, this.me, this.summaryTask.value, this.localize.locale];
    if (!this.drawnRows || from.some((input, index) => input !== this.drawnRows!.from[index])) {
      this.drawnRows = { from, rows: page.items.map((user) => this.renderRow(user, page.tab)) };
    }
    return this.drawnRows.rows;
  }

  private renderBody(list: TabPage | undefined) {
    const m = this.localize.messages;
    // Until the first list arrives, a loading row; after that the previous rows stay as they are while loading.
    const previous = () => (list ? this.renderRows(list) : this.renderMessageRow(m.loading));
    return this.listTask.render({
      initial: previous,
      pending: previous,
      error: () =>
        this.renderMessageRow(html`
          <p role="alert">${m.loadFailed}</p>
          <button type="button" class="button" @click=${() => this.listTask.run()}>${m.retry}</button>
        `),
      complete: (value) => {
        if (value.items.length > 0) return this.renderRows(value);
        const filtered = this.search !== '' || this.roleFilter !== 'all';
        const empty: Record<Tab, string> = { active: m.emptyActive, pending: m.emptyPending, deleted: m.emptyDeleted };
        return this.renderMessageRow(filtered ? m.noMatches : empty[this.tab]);
      },
    });
  }

  private renderPagination(list: UserList | undefined) {
    if (!list || list.total === 0) return nothing;
    const m = this.localize.messages;
    const limit = list.limit;
    const from = list.offset + 1;
    const to = Math.min(list.offset + list.items.length, list.total);
    return html`
      <nav class="pagination" part="pagination" aria-label=${m.pagination}>
        <span part="page-range">${m.pageRange(this.localize.number(from), this.localize.number(to), this.localize.number(list.total))}</span>
        <button
          type="button"
          class="button"
          data-page="previous"
          aria-label=${m.previousPage}
          ?disabled=${list.offset === 0}
          @click=${() => this.goToOffset(Math.max(0, list.offset - limit))}
        >
          ‹
        </button>
        <button
          type="button"
          class="button"
          data-page="next"
          aria-label=${m.nextPage}
          ?disabled=${list.offset + limit >= list.total}
          @click=${() => this.goToOffset(list.offset + limit)}
        >
          ›
        </button>
      </nav>
    `;
  }

  private renderTable(list: TabPage | undefined) {
    const m = this.localize.messages;
    const users = list?.items ?? [];
    const selectable = users.filter((user) => !this.selfLock(user));
    const allSelected = selectable.length > 0 && selectable.every((user) => this.selected.has(user.id));
    const stateColumn: Record<Tab, [SortField, string]> = {
      active: ['onboardedAt', m.colOnboarded],
      pending: ['invitedAt', m.colInvited],
      deleted: ['deletedAt', m.colDeleted],
    };
    // Headed for the rows shown: a header that changed before its rows arrive would lay out the whole table once more, in the frame the answer waits behind.
    const [stateSort, stateLabel] = stateColumn[list?.tab ?? this.tab];
    return html`
      <div class="table-wrap">
        <table part="table" aria-labelledby="tab-${this.tab}" aria-busy=${this.listTask.status === TaskStatus.PENDING ? 'true' : 'false'}>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label=${m.selectPage}
                  .checked=${allSelected}
                  ?disabled=${selectable.length === 0}
                  @change=${(event: Event) => this.togglePage(users, (event.target as HTMLInputElement).checked)}
                />
              </th>
              ${this.renderSortHeader('name', m.colName)} ${this.renderSortHeader('email', m.email)}
              ${this.renderSortHeader('role', m.role)} ${this.renderSortHeader(stateSort, stateLabel)}
              <th scope="col">${m.colActions}</th>
            </tr>
          </thead>
          <tbody>
            ${this.renderBody(list)}
          </tbody>
        </table>
      </div>
    `;
  }

  private renderToasts() {
    const m = this.localize.messages;
    return html`
      <div class="toasts" part="toasts" aria-label=${m.notifications}>
        ${this.toasts.toasts.map(
          (toast) => html`
            <div class="toast ${toast.variant}" part="toast toast-${toast.variant}" role=${toast.variant === 'error' ? 'alert' : 'status'}>
              <span>${toast.message}</span>
              <button type="button" aria-label=${m.dismiss} @click=${() => this.toasts.dismiss(toast.id)}>×</button>
            </div>
          `,
        )}
      </div>
    `;
  }

  private renderAccessDenied(signedIn: boolean) {
    const m = this.localize.messages;
    return html`
      <section class="access-denied" part="access-denied" aria-labelledby="denied-title">
        <h2 id="denied-title">${m.notAdminTitle}</h2>
        <p>${signedIn ? m.notAdminBody : m.signedOutBody}</p>
      </section>
    `;
  }

  override render() {
    const m = this.localize.messages;
    const meStatus = this.meTask.status;
    let content: unknown;
    if (meStatus === TaskStatus.ERROR) {
      content = html`<div class="message" part="empty" role="alert">${this.localize.errorMessage(errorDataOf(this.meTask.error))}</div>`;
    } else if (this.meTask.value === undefined || (this.meTask.value === null && meStatus !== TaskStatus.COMPLETE)) {
      content = html`<div class="message" part="empty">${m.loading}</div>`;
    } else if (!this.me?.isAdmin) {
      // While a replaced token is checked the previous view stays; no admin call goes out until it is.
      content = this.renderAccessDenied(Boolean(this.me));
    } else {
      const summary = this.summaryTask.value;
      const list = this.listTask.value;
      content = html`
        <header part="header">
          <h2 part="title">${m.title}</h2>
          <button type="button" class="button primary" part="add-button" @click=${() => this.addDialog.show()}>${m.addUser}</button>
        </header>
        ${this.renderKpis(summary)} ${this.renderTabs(summary)}
        <div role="tabpanel" id="panel" part="panel" aria-labelledby="tab-${this.tab}">
          ${this.renderToolbar()} ${this.renderBulkActions(list?.items ?? [])} ${this.renderTable(list)} ${this.renderPagination(list)}
        </div>
        <panta-add-user-dialog
          lang=${this.localize.locale}
          .invite=${this.inviteUser}
          .imports=${this.importCalls}
        ></panta-add-user-dialog>
        <panta-edit-user-dialog lang=${this.localize.locale} .save=${this.updateUser}></panta-edit-user-dialog>
        <panta-confirm-dialog lang=${this.localize.locale}></panta-confirm-dialog>
      `;
    }
    return html`
      <div class="base" part="base" lang=${this.localize.locale}>
        ${content} ${this.renderToasts()}
        <div class="visually-hidden" part="live-region" role="status" aria-live="polite">${this.announcement}</div>
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
