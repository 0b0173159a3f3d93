import { TaskStatus } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { SortDirection, SortField, Tab } from '../../shared/constants.ts';
import type { Me, Summary, User } from '../../shared/schemas.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { displayName } from '../internal/display-name.ts';
import { type IconName, icon } from '../internal/icons.ts';
import type { TabPage } from '../user-management/users-data-controller.ts';
import { ActionTooltip } from './tooltip.ts';

/** What a row's buttons do. */
export type RowAction = 'details' | 'edit' | 'resend' | 'link' | 'delete' | 'restore' | 'purge';

/** Why the signed-in admin may not delete or demote a user (themselves). */
export interface SelfLock {
  delete: string;
  demote: string;
}

/** What the table asks of the element that owns the data and the selection. */
export interface TableCalls {
  sortBy(by: SortField): void;
  /** `cursor`: Next's or Previous's, from the page's answer, so that a deep page costs what the first does; offset alone is a jump. */
  goTo(offset: number, cursor?: string): void;
  toggleRow(id: string, checked: boolean): void;
  togglePage(users: User[], checked: boolean): void;
  act(action: RowAction, user: User): void;
  /** Loads the page again after it failed to load. */
  retry(): void;
  lock(user: User): SelfLock | undefined;
  /** Now, by the server's clock. */
  serverNow(): number;
}

/**
 * The user table of `<panta-user-management>`: sortable headers, the rows with their state and
 * actions, the checkboxes, and paging. It draws into its own children rather than a shadow root,
 * so that it stays in the element's tree: the tab that labels it, the element's styles and the
 * `::part()`s a host styles (`row`, `action`, `pagination`, …) reach it as before.
 *
 * @summary Internal: the table of `<panta-user-management>`.
 * @tagname panta-user-table
 */
export class PantaUserTable extends LitElement {
  readonly #localize = new LocalizeController(this);
  readonly #tooltip = new ActionTooltip(() => this.querySelector('.tooltip'));

  @property() override lang!: string;
  /** The tab shown, which the page may not be of yet. */
  @property() tab: Tab = 'active';
  /** The page shown (the previous one while the next loads). */
  @property({ attribute: false }) page: TabPage | undefined;
  /** How the page's loading stands. */
  @property({ attribute: false }) status: TaskStatus = TaskStatus.INITIAL;
  /** The page shown is of another view than the one loading: its rows are dimmed and inert. */
  @property({ type: Boolean }) stale = false;
  /** A search or filter is set: an empty page says "no matches" (of the search, or else of the filters). */
  @property({ type: Boolean }) filtered = false;
  @property({ attribute: false }) sort: { by: SortField; direction: SortDirection } = { by: 'name', direction: 'asc' };
  @property({ attribute: false }) selected: ReadonlySet<string> = new Set();
  @property({ attribute: false }) me: Me = null;
  @property({ attribute: false }) summary: Summary | undefined;
  @property({ attribute: false }) calls!: TableCalls;

  /** Bumped each second while an invitation on the page waits out its resend cooldown, to count it down. */
  #tick = 0;
  #tickTimer: ReturnType<typeof setTimeout> | undefined;

  /** The rows last drawn and what they were drawn from, for renders that change nothing in them (loading, a tab's heading). */
  #drawnRows: { from: unknown[]; rows: unknown[] } | undefined;

  protected override createRenderRoot() {
    return this;
  }

  protected override updated(): void {
    clearTimeout(this.#tickTimer);
    if (this.page?.items.some((user) => this.#resendWait(user) > 0)) {
      this.#tickTimer = setTimeout(() => {
        this.#tick += 1;
        this.requestUpdate();
      }, 1000);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#tickTimer);
  }

  /** Whole seconds until this invitation may be sent again; 0 when it may. */
  #resendWait(user: User): number {
    const due = user.resendAvailableAt ? Date.parse(user.resendAvailableAt) - this.calls.serverNow() : 0;
    return Math.max(0, Math.ceil(due / 1000));
  }

  /** A wait as m:ss. */
  #clock(seconds: number): string {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }

  #renderSortHeader(by: SortField, label: string) {
    const active = this.sort.by === by;
    const ariaSort = active ? (this.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
    return html`
      <th scope="col" aria-sort=${ariaSort}>
        <button type="button" data-sort=${by} @click=${() => this.calls.sortBy(by)}>
          ${label} <span aria-hidden="true">${active ? (this.sort.direction === 'asc' ? '▲' : '▼') : ''}</span>
        </button>
      </th>
    `;
  }

  #renderState(user: User, tab: Tab) {
    const { messages: m } = this.#localize;
    const date = (iso: string) => this.#localize.date(iso);
    if (tab === 'active') {
      return html`<div class="state" part="state">${user.onboardedAt ? m.stateOnboarded(date(user.onboardedAt)) : ''}</div>`;
    }
    if (tab === 'pending') {
      const expires = user.invitationExpiresAt;
      // No link at all (restored from Recently deleted, whose delete revoked it) is not an expired one.
      const problem = !expires ? m.stateNoLink : Date.parse(expires) <= this.calls.serverNow() ? m.stateExpired : '';
      return html`
        <div class="state" part="state">
          <span>${m.stateInvited(date(user.invitedAt))}</span>
          ${this.#resendWait(user) > 0
            ? html`<span>${m.resendWait(m.sentJustNow, this.#clock(this.#resendWait(user)))}</span>`
            : user.lastInvitationSentAt
              ? html`<span>${m.stateLastSent(date(user.lastInvitationSentAt))}</span>`
              : nothing}
          ${problem ? html`<span class="expired">${problem}</span>` : html`<span>${m.stateExpires(date(expires!))}</span>`}
        </div>
      `;
    }
    const days = user.purgeAt ? this.#localize.daysUntil(user.purgeAt, this.calls.serverNow()) : undefined;
    const retention = this.summary?.retentionDays;
    const shownDays = days !== undefined && retention !== undefined ? Math.min(days, retention) : days;
    return html`
      <div class="state" part="state">
        ${user.deletedAt ? html`<span>${m.stateDeleted(date(user.deletedAt))}</span>` : nothing}
        ${shownDays !== undefined ? html`<span>${m.statePurgeIn(shownDays, this.#localize.number(shownDays))}</span>` : nothing}
        ${user.status === 'pending' ? html`<span>${m.stateRestoresPending}</span>` : nothing}
      </div>
    `;
  }

  #renderActions(user: User, tab: Tab) {
    const m = this.#localize.messages;
    const name = displayName(user);
    const lock = this.calls.lock(user);
    const wait = tab === 'pending' ? this.#resendWait(user) : 0;
    // An icon button named for its user ("Delete Ana Martínez"); its tooltip shows the action, or why it is unavailable.
    const button = (action: RowAction, glyph: IconName, label: string, reason?: string) => html`
      <button
        type="button"
        class="button icon-button"
        part="action"
        data-action=${action}
        data-tip=${reason ?? label}
        aria-label=${m.actionFor(label, name)}
        aria-disabled=${reason ? 'true' : 'false'}
        aria-describedby=${reason && action === 'delete' ? `reason-${user.id}` : nothing}
        @click=${() => {
          if (!reason) this.calls.act(action, user);
        }}
      >
        ${icon(glyph)}
      </button>
    `;
    const buttons =
      tab === 'deleted'
        ? [button('restore', 'rotate-ccw', m.restore), button('purge', 'trash-2', m.purge)]
        : [
            button('edit', 'pencil', m.edit),
            tab === 'pending' ? button('resend', 'mail', m.resend, wait > 0 ? m.resendNotYet(this.#clock(wait)) : undefined) : nothing,
            tab === 'pending' ? button('link', 'link', m.copyLink) : nothing,
            // A pending user has no account yet: deleting them takes back the invitation.
            button('delete', 'trash', tab === 'pending' ? m.revokeInvitation : m.delete, lock?.delete),
          ];
    return html`
      <div class="actions" part="actions">
        ${buttons} ${lock ? html`<span class="visually-hidden" part="reason" id="reason-${user.id}">${lock.delete}</span>` : nothing}
      </div>
    `;
  }

  #renderRow(user: User, tab: Tab) {
    const m = this.#localize.messages;
    const self = user.id === this.me?.user.id;
    const name = displayName(user);
    // An invitee who has not onboarded may have no name yet: a dash, not an empty cell.
    const fullName = `${user.firstName} ${user.lastName}`.trim();
    return html`
      <tr part="row${self ? ' row-self' : ''}" data-user-id=${user.id}>
        <td>
          <input
            type="checkbox"
            aria-label=${m.selectRow(name)}
            .checked=${this.selected.has(user.id)}
            ?disabled=${Boolean(this.calls.lock(user))}
            @change=${(event: Event) => this.calls.toggleRow(user.id, (event.target as HTMLInputElement).checked)}
          />
        </td>
        <td>
          <button type="button" class="details" part="details-button" aria-haspopup="dialog" data-tip=${m.details} @click=${() => this.calls.act('details', user)}>
            ${fullName
              ? html`<span part="name">${fullName}</span>`
              : // Named for whose it is: a column of "No name yet" would not tell the invitees apart.
                html`<span part="name"><span aria-hidden="true">—</span><span class="visually-hidden">${m.actionFor(m.details, user.email)}</span></span>`}
          </button>
          ${self ? html` <span class="badge" part="you-badge">${m.you}</span>` : nothing}
        </td>
        <td part="email">${user.email}</td>
        <td><span class="badge ${user.role}" part="role-badge">${user.role === 'admin' ? m.roleAdmin : m.roleUser}</span></td>
        <td>${this.#renderState(user, tab)}</td>
        ${tab === 'active' ? this.#renderLastSignIn(user) : nothing}
        <td>${this.#renderActions(user, tab)}</td>
      </tr>
    `;
  }

  /**
   * Relative ("3 days ago"), the exact time as its tooltip; "Never" before the first sign-in. A
   * stacked row shows what it is (the label), as the other stacked facts say it in their words.
   */
  #renderLastSignIn(user: User) {
    const at = user.lastSignedInAt;
    const m = this.#localize.messages;
    return html`<td part="last-sign-in">
      <span class="stacked-label">${m.colLastSignIn}: </span>${at
        ? html`<time datetime=${at} title=${this.#localize.dateTime(at)}>${this.#localize.relativeTime(at, this.calls.serverNow())}</time>`
        : m.neverSignedIn}
    </td>`;
  }

  #renderMessageRow(content: unknown) {
    return html`<tr><td colspan=${this.tab === 'active' ? 7 : 6}><div class="message" part="empty">${content}</div></td></tr>`;
  }

  /**
   * A page's rows, drawn for the tab the page belongs to. Drawn anew only when something they show
   * changed: a hundred rows cost more than the rest of the table together.
   */
  #renderRows(page: TabPage) {
    const from = [page, this.selected, this.me, this.summary, this.#localize.locale, this.#tick];
    if (!this.#drawnRows || from.some((input, index) => input !== this.#drawnRows!.from[index])) {
      this.#drawnRows = { from, rows: page.items.map((user) => this.#renderRow(user, page.tab)) };
    }
    return this.#drawnRows.rows;
  }

  #renderBody() {
    const m = this.#localize.messages;
    const { page, status } = this;
    if (status === TaskStatus.ERROR) {
      return this.#renderMessageRow(html`
        <p role="alert">${m.loadFailed}</p>
        <button type="button" class="button" @click=${() => this.calls.retry()}>${m.retry}</button>
      `);
    }
    // Until the first page arrives, a loading row; after that the previous rows stay as they are while loading.
    if (!page) return this.#renderMessageRow(m.loading);
    if (status !== TaskStatus.COMPLETE || page.items.length > 0) return this.#renderRows(page);
    const empty: Record<Tab, string> = { active: m.emptyActive, pending: m.emptyPending, deleted: m.emptyDeleted };
    // Filters alone ("Expired invitations") searched for nothing: the message names what left the page empty.
    return this.#renderMessageRow(!this.filtered ? empty[this.tab] : page.query.search ? m.noMatches : m.noFilterMatches);
  }

  #renderPagination() {
    const { page } = this;
    if (!page || page.total === 0) return nothing;
    const m = this.#localize.messages;
    const limit = page.limit;
    const from = page.offset + 1;
    // A capped total ("10,000+") bounds neither the page shown nor the Next button: the next page's cursor does.
    const to = Math.min(page.offset + page.items.length, page.totalCapped ? Infinity : page.total);
    return html`
      <nav class="pagination" part="pagination" aria-label=${m.pagination}>
        <span part="page-range">${m.pageRange(this.#localize.number(from), this.#localize.number(to), this.#localize.total(page))}</span>
        <button
          type="button"
          class="button"
          data-page="previous"
          aria-label=${m.previousPage}
          ?disabled=${page.offset === 0}
          @click=${() => (page.offset > limit ? this.calls.goTo(page.offset - limit, page.prevCursor ?? undefined) : this.calls.goTo(0))}
        >
          ‹
        </button>
        <button
          type="button"
          class="button"
          data-page="next"
          aria-label=${m.nextPage}
          ?disabled=${page.totalCapped ? !page.nextCursor : page.offset + limit >= page.total}
          @click=${() => this.calls.goTo(page.offset + limit, page.nextCursor ?? undefined)}
        >
          ›
        </button>
      </nav>
    `;
  }

  override render() {
    const m = this.#localize.messages;
    const users = this.page?.items ?? [];
    const selectable = users.filter((user) => !this.calls.lock(user));
    const allSelected = selectable.length > 0 && selectable.every((user) => this.selected.has(user.id));
    const stateColumn: Record<Tab, [SortField, string]> = {
      active: ['onboardedAt', m.colOnboarded],
      pending: ['invitedAt', m.colInvited],
      deleted: ['deletedAt', m.colDeleted],
    };
    // Headed for the rows shown: a header that changed before its rows arrive would lay out the whole table once more, in the frame the answer waits behind.
    const [stateSort, stateLabel] = stateColumn[this.page?.tab ?? this.tab];
    // After the first page: a bar over the kept rows rather than a "Loading…" that would collapse the table.
    const reloading = this.status === TaskStatus.PENDING && this.page !== undefined;
    return html`
      <div
        class="table-wrap ${reloading ? 'reloading' : ''} ${this.stale ? 'stale' : ''}"
        @pointerover=${this.#tooltip.show}
        @pointerout=${this.#tooltip.hide}
        @focusin=${this.#tooltip.show}
        @focusout=${this.#tooltip.hide}
        @keydown=${this.#tooltip.onKeydown}
      >
        <div class="progress" part="progress" ?hidden=${!reloading}></div>
        <table part="table" aria-labelledby="tab-${this.tab}" aria-busy=${this.status === TaskStatus.PENDING ? 'true' : 'false'}>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label=${m.selectPage}
                  .checked=${allSelected}
                  ?disabled=${selectable.length === 0 || this.stale}
                  @change=${(event: Event) => this.calls.togglePage(users, (event.target as HTMLInputElement).checked)}
                />
              </th>
              ${this.#renderSortHeader('name', m.colName)} ${this.#renderSortHeader('email', m.email)}
              ${this.#renderSortHeader('role', m.role)} ${this.#renderSortHeader(stateSort, stateLabel)}
              ${(this.page?.tab ?? this.tab) === 'active' ? this.#renderSortHeader('lastSignedInAt', m.colLastSignIn) : nothing}
              <th scope="col">${m.colActions}</th>
            </tr>
          </thead>
          <tbody ?inert=${this.stale}>
            ${this.#renderBody()}
          </tbody>
        </table>
      </div>
      ${this.#renderPagination()}
      <div class="tooltip" part="tooltip" popover="manual" aria-hidden="true"></div>
    `;
  }
}

defineElement('panta-user-table', PantaUserTable);

declare global {
  interface HTMLElementTagNameMap {
    'panta-user-table': PantaUserTable;
  }
}
