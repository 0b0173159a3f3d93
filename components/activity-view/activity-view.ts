import { Task, TaskStatus } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { AUDIT_ACTION_TEXT } from '../../shared/audit-text.ts';
import { AUDIT_ACTIONS, type AuditAction, PAGE_SIZE_MAX } from '../../shared/constants.ts';
import { EXPORT_FORMATS, type ExportFormat, exportAuditUrl } from '../../shared/export-url.ts';
import type { AuditEntry, AuditList } from '../../shared/schemas.ts';
import { errorDataOf, isAbort } from '../api/client.ts';
import '../dialog/dialog.ts';
import type { PantaDialog } from '../dialog/dialog.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { downloadExport } from '../internal/download.ts';
import { PANEL_MESSAGES, personOf } from '../user-detail/messages.ts';
import type { DetailCalls } from '../user-detail/user-detail.ts';
import { ACTIVITY_MESSAGES } from './messages.ts';
import styles from './activity-view.styles.ts';

/** What the view asks of the element: the detail panel's calls, where and as whom to download, and its rows per page. */
export interface ActivityCalls extends DetailCalls {
  apiUrl(): string;
  token(): string | undefined;
  pageSize(): number;
}

/** What the entries are filtered by: `email` the target's, `fromDay` and `toDay` local days (`yyyy-mm-dd`), the range's first and last. */
interface Filters {
  action: AuditAction | '';
  actor: { id: string; name: string } | undefined;
  email: string;
  fromDay: string;
  toDay: string;
}

/** How long typing pauses before the address goes to the server, as in the list's search. */
const SEARCH_DEBOUNCE_MS = 250;

/** A time of a local day (`2026-06-01` from a date input) as the API's instant; `24:00` is the midnight that ends it. */
const localTime = (day: string, time: string) => new Date(`${day}T${time}`).toISOString();

/**
 * The workspace's audit log (`audit.list`), newest first, as many entries a page as the list's rows
 * per page, by cursor (Older, Newest), filtered by action, by actor (a click on an actor's name,
 * shown as a removable "By …" chip), by a range of local days and by the target's email address
 * (debounced; a superseded request is aborted), and exported with the same filters as CSV or Excel. A modal panel: focus
 * moves into it and, on closing, back to the Activity button. It speaks through a live region of
 * its own, since the modal dialog makes the element's regions inert. Loaded lazily (see dialogs.ts).
 *
 * @summary Internal: the Activity view of `<panta-user-management>`.
 * @tagname panta-activity-view
 * @csspart filters - Action, email, date range, the actor chip and Export.
 * @csspart actor-chip - "By <name>": removes the actor filter.
 * @csspart entries - The entries' table.
 * @csspart actor-button - An actor's name: filters by them.
 * @csspart pagination - The count and Newest / Older, in the footer.
 */
export class PantaActivityView extends LitElement {
  static override styles = styles;

  readonly #localize = new LocalizeController(this);

  @query('panta-dialog') private dialog!: PantaDialog;

  @property() override lang!: string;
  @property({ attribute: false }) calls!: ActivityCalls;

  @state() private filters: Filters = { action: '', actor: undefined, email: '', fromDay: '', toDay: '' };
  /** The address as typed; `filters.email` takes it once typing pauses. */
  @state() private emailInput = '';
  @state() private cursor: string | undefined;
  /** How many newer entries lie before this page: its range is counted from there ("Entries 26–50 of 79"). */
  @state() private offset = 0;
  /** Bumped by each opening, so that the entries load again; 0: never opened, nothing is asked for. */
  @state() private opened = 0;
  @state() private said = '';
  @state() private exportError = '';

  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** A filter or the page just changed: the next answer's count (or range) is announced. */
  #announce = false;

  readonly #entries = new Task(this, {
    task: async ([opened, action, actorId, targetEmail, from, to, cursor], { signal }): Promise<AuditList | undefined> => {
      if (!opened || this.#rangeInverted) return undefined;
      try {
        const list = await this.calls.client().audit.list.query({ action: action || undefined, actorId, targetEmail, from, to, cursor, limit: Math.min(this.calls.pageSize(), PAGE_SIZE_MAX) }, { signal });
        if (this.#announce) this.#say(this.#count(list));
        this.#announce = false;
        return list;
      } catch (error) {
        if (!isAbort(error)) this.calls.report('audit.list', error);
        throw error;
      }
    },
    args: () => [this.opened, this.filters.action, this.filters.actor?.id, this.filters.email, this.#range.from, this.#range.to, this.cursor] as const,
  });

  /** The API's instants for the days chosen: `from` inclusive, `to` the midnight after the last day. */
  get #range() {
    const { fromDay, toDay } = this.filters;
    return { from: fromDay ? localTime(fromDay, '00:00') : undefined, to: toDay ? localTime(toDay, '24:00') : undefined };
  }

  get #rangeInverted(): boolean {
    const { from, to } = this.#range;
    return Boolean(from && to && from >= to);
  }

  /** Another filter: from the newest entry, its count announced. */
  #filter(change: Partial<Filters>) {
    this.filters = { ...this.filters, ...change };
    this.#page(undefined, 0);
    this.exportError = '';
  }

  /** Another page (`cursor`), `offset` entries from the newest; what it holds is announced. */
  #page(cursor: string | undefined, offset: number) {
    this.cursor = cursor;
    this.offset = offset;
    this.#announce = true;
  }

  #onEmailInput(event: InputEvent) {
    this.emailInput = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#applyEmail(), SEARCH_DEBOUNCE_MS);
  }

  #applyEmail() {
    clearTimeout(this.#searchTimer);
    if (this.emailInput.trim() !== this.filters.email) this.#filter({ email: this.emailInput.trim() });
  }

  /**
   * Filters by an actor, or no longer. The button pressed may be gone after (the name's row, the
   * chip), so focus moves on: to the chip that undoes the filter, or to the first filter.
   */
  async #setActor(actor: Filters['actor']) {
    this.#filter({ actor });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(actor ? '[part~="actor-chip"]' : '#action')?.focus();
  }

  /**
   * "Entries: 5" when one page holds all, else the page's range, "Entries 26–50 of 79" (so that paging
   * is not announced as the same count again): the footer's and the announcement's; "10,000+" past the count's cap.
   */
  #count(list: AuditList) {
    const localize = this.#localize;
    const total = localize.total(list);
    if (this.offset === 0 && list.items.length === list.total) return `${PANEL_MESSAGES[localize.language].entries}: ${total}`;
    return ACTIVITY_MESSAGES[localize.language].range(localize.number(this.offset + 1), localize.number(this.offset + list.items.length), total);
  }

  #say(message: string) {
    // Cleared first, so that the same count is read again.
    this.said = '';
    requestAnimationFrame(() => (this.said = message));
  }

  /** Downloads every entry the filters match (the address as typed, even within the debounce). */
  async #export(format: ExportFormat) {
    this.#applyEmail();
    const { from, to } = this.#range;
    const { action, actor, email } = this.filters;
    const query = { action: action || undefined, actorId: actor?.id, targetEmail: email, from, to, format, lang: this.#localize.language };
    this.exportError = '';
    try {
      await downloadExport(exportAuditUrl(this.calls.apiUrl(), query), this.calls.token(), `activity.${format}`);
    } catch (error) {
      this.calls.report('audit-export', error);
      this.exportError = this.#localize.errorMessage(errorDataOf(error));
    }
  }

  /** Opens the view on the newest entries, with the filters it had. */
  async show(): Promise<void> {
    this.cursor = undefined;
    this.opened += 1;
    await this.updateComplete;
    this.dialog.show();
  }

  #renderFilters() {
    const a = ACTIVITY_MESSAGES[this.#localize.language];
    const main = this.#localize.messages;
    const actions = AUDIT_ACTION_TEXT[this.#localize.language];
    const inverted = this.#rangeInverted;
    const { action: chosen, actor, fromDay, toDay } = this.filters;
    const chip = actor && a.byChip(actor.name);
    // One alert for the filters: why nothing shows (the range), or why the export failed.
    return html`
      <div class="filters" part="filters">
        <div class="field">
          <label for="action">${a.action}</label>
          <select id="action" @change=${(event: Event) => this.#filter({ action: (event.target as HTMLSelectElement).value as AuditAction })}>
            <option value="">${a.allActions}</option>
            ${AUDIT_ACTIONS.map((action) => html`<option value=${action} ?selected=${action === chosen}>${actions[action]}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="target-email">${a.targetEmail}</label>
          <input id="target-email" type="search" .value=${this.emailInput} @input=${this.#onEmailInput} />
        </div>
        <div class="field">
          <label for="from">${a.from}</label>
          <input id="from" type="date" .value=${fromDay} @change=${(event: Event) => this.#filter({ fromDay: (event.target as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="to">${a.to}</label>
          <input
            id="to"
            type="date"
            aria-invalid=${String(inverted)}
            .value=${toDay}
            @change=${(event: Event) => this.#filter({ toDay: (event.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field" role="group" aria-labelledby="export-label">
          <span id="export-label">${main.exportLabel}</span>
          <div class="actions">
            ${EXPORT_FORMATS.map(
              (format) => html`<button type="button" class="button" data-export=${format} ?disabled=${inverted} @click=${() => this.#export(format)}>${main.exportFormats[format]}</button>`,
            )}
          </div>
        </div>
      </div>
      <p id="range-error" class="field-error" role="alert">${inverted ? a.badRange : this.exportError}</p>
      ${chip ? html`<button type="button" class="button chip" part="actor-chip" aria-label=${a.removeChip(chip)} @click=${() => this.#setActor(undefined)}>${chip} <span aria-hidden="true">×</span></button>` : nothing}
    `;
  }

  #renderEntries(list: AuditList) {
    const a = ACTIVITY_MESSAGES[this.#localize.language];
    const actions = AUDIT_ACTION_TEXT[this.#localize.language];
    const language = this.#localize.language;
    if (list.items.length === 0) return html`<p part="empty">${PANEL_MESSAGES[language].none}</p>`;
    const row = (entry: AuditEntry, actor = personOf(language, entry.actorId, entry.actorName, entry.actorEmail)) => html`
      <tr>
        <td><time datetime=${entry.createdAt}>${this.#localize.dateTime(entry.createdAt)}</time></td>
        <td>${actions[entry.action]}</td>
        <td data-label=${a.actor}>
          ${entry.actorId === null
            ? actor
            : html`<button type="button" class="name" part="actor-button" title=${a.actorHint} @click=${() => this.#setActor({ id: entry.actorId!, name: actor })}>${actor}</button>`}
        </td>
        <td data-label=${a.target}>
          ${entry.targetEmail === null
            ? '–'
            : html`${personOf(language, entry.targetId, entry.targetName, entry.targetEmail)}
                ${entry.targetName ? html`<br /><span class="hint">${entry.targetEmail}</span>` : nothing}`}
        </td>
      </tr>
    `;
    return html`
      <div class="table-wrap">
        <table part="entries">
          <thead>
            <tr>
              <th scope="col">${a.time}</th>
              <th scope="col">${a.action}</th>
              <th scope="col">${a.actor}</th>
              <th scope="col">${a.target}</th>
            </tr>
          </thead>
          <tbody>
            ${list.items.map((entry) => row(entry))}
          </tbody>
        </table>
      </div>
    `;
  }

  override render() {
    const a = ACTIVITY_MESSAGES[this.#localize.language];
    const panel = PANEL_MESSAGES[this.#localize.language];
    const main = this.#localize.messages;
    const list = this.#entries.value;
    const status = this.#entries.status;
    return html`
      <panta-dialog lang=${this.#localize.locale} label=${main.activity}>
        ${this.#renderFilters()}
        <div aria-busy=${String(status === TaskStatus.PENDING)}>
          ${status === TaskStatus.ERROR
            ? html`<p role="alert">${a.failed}</p>
                <button type="button" class="button" @click=${() => this.#entries.run()}>${main.retry}</button>`
            : list
              ? this.#renderEntries(list)
              : status === TaskStatus.PENDING
                ? html`<p>${main.loading}</p>`
                : nothing}
        </div>
        <div class="visually-hidden" role="status">${this.said}</div>
        <div class="pages" slot="footer" part="pagination">
          <span>${list ? this.#count(list) : ''}</span>
          <button type="button" class="button" data-page="newest" ?disabled=${!this.cursor} @click=${() => this.#page(undefined, 0)}>${a.newest}</button>
          <button type="button" class="button" data-page="older" ?disabled=${!list?.nextCursor} @click=${() => this.#page(list!.nextCursor!, this.offset + list!.items.length)}>${panel.older}</button>
        </div>
      </panta-dialog>
    `;
  }
}

defineElement('panta-activity-view', PantaActivityView);

declare global {
  interface HTMLElementTagNameMap {
    'panta-activity-view': PantaActivityView;
  }
}
