import { Task, TaskStatus } from '@lit/task';
import { LitElement, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { AUDIT_ACTION_TEXT } from '../../shared/audit-text.ts';
import type { AuditEntry, AuditList, User } from '../../shared/schemas.ts';
import type { ApiClient } from '../api/client.ts';
import '../dialog/dialog.ts';
import type { PantaDialog } from '../dialog/dialog.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { displayName } from '../internal/display-name.ts';
import { PANEL_MESSAGES, personOf } from './messages.ts';
import styles from './user-detail.styles.ts';

/** What the panel asks of the element that owns the connection. */
export interface DetailCalls {
  client(): ApiClient;
  /** A read failed: the element fires panta-error; the panel says so itself. */
  report(operation: string, error: unknown): void;
  /** The server's time, as the table reckons "3 days ago" and "expired" by it. */
  serverNow(): number;
}

const PAGE_SIZE = 25;

/**
 * One user's facts and their history from the audit log (`audit.list` by target), newest first, a
 * page at a time by cursor, in a modal panel: focus moves into it and, on closing, back to the
 * row's Details button. Loaded lazily with its own words (see dialogs.ts).
 *
 * @summary Internal: the user detail panel of `<panta-user-management>`.
 * @tagname panta-user-detail
 * @csspart facts - The user's facts.
 * @csspart history - The history's entries.
 * @csspart history-pagination - Their count and Newer / Older, in the footer.
 */
export class PantaUserDetail extends LitElement {
  static override styles = styles;

  readonly #localize = new LocalizeController(this);

  @query('panta-dialog') private dialog!: PantaDialog;

  @property() override lang!: string;
  @property({ attribute: false }) calls!: DetailCalls;

  @state() private user: User | undefined;
  /** The cursor of each page reached, the first page's undefined: Newer goes back one. */
  @state() private cursors: (string | undefined)[] = [undefined];

  readonly #history = new Task(this, {
    task: async ([user, cursor], { signal }): Promise<AuditList | undefined> => {
      if (!user) return undefined;
      try {
        return await this.calls.client().audit.list.query({ targetId: user.id, cursor, limit: PAGE_SIZE }, { signal });
      } catch (error) {
        this.calls.report('audit.list', error);
        throw error;
      }
    },
    args: () => [this.user, this.cursors.at(-1)] as const,
  });

  /** Opens the panel on a user: their facts and the first page of their history. */
  async show(user: User): Promise<void> {
    this.user = user;
    this.cursors = [undefined];
    await this.updateComplete;
    this.dialog.show();
  }

  #renderFacts(user: User) {
    const m = PANEL_MESSAGES[this.#localize.language];
    const main = this.#localize.messages;
    const date = (iso: string) => this.#localize.date(iso);
    const by = (person: User['invitedBy']) => (person ? ` ${m.by(displayName(person))}` : '');
    const pending = user.status === 'pending' && user.state !== 'deleted';
    const now = this.calls.serverNow();
    const signedIn = user.lastSignedInAt;
    const expires = user.invitationExpiresAt;
    const facts = [
      user.email,
      `${user.role === 'admin' ? main.roleAdmin : main.roleUser} · ${m.states[user.state]}`,
      main.stateInvited(date(user.invitedAt)) + by(user.invitedBy),
      user.onboardedAt && main.stateOnboarded(date(user.onboardedAt)),
      // Nobody signs in before accepting: no "Never" for an invitee.
      user.status !== 'pending' && `${main.colLastSignIn}: ${signedIn ? `${this.#localize.relativeTime(signedIn, now)} (${this.#localize.dateTime(signedIn)})` : main.neverSignedIn}`,
      pending && `${m.sends}: ${this.#localize.number(user.invitationSendCount)}`,
      pending && user.lastInvitationSentAt && main.stateLastSent(date(user.lastInvitationSentAt)),
      pending && expires && (Date.parse(expires) <= now ? main.stateExpired : main.stateExpires(date(expires))),
      user.deletedAt && main.stateDeleted(date(user.deletedAt)) + by(user.deletedBy),
      user.purgeAt && `${main.statePurgeIn(this.#localize.daysUntil(user.purgeAt), this.#localize.number(this.#localize.daysUntil(user.purgeAt)))} (${date(user.purgeAt)})`,
    ];
    return html`<ul part="facts">
      ${facts.filter(Boolean).map((fact) => html`<li>${fact}</li>`)}
    </ul>`;
  }

  #renderHistory(list: AuditList) {
    const m = PANEL_MESSAGES[this.#localize.language];
    const actions = AUDIT_ACTION_TEXT[this.#localize.language];
    if (list.items.length === 0) return html`<p>${m.none}</p>`;
    const row = (entry: AuditEntry) => html`
      <li>
        <time datetime=${entry.createdAt}>${this.#localize.dateTime(entry.createdAt)}</time>
        · ${actions[entry.action]} · ${m.by(personOf(this.#localize.language, entry.actorId, entry.actorName, entry.actorEmail))}
      </li>
    `;
    return html`<ol part="history" aria-labelledby="history">
      ${list.items.map(row)}
    </ol>`;
  }

  override render() {
    const m = PANEL_MESSAGES[this.#localize.language];
    const main = this.#localize.messages;
    const { user } = this;
    const list = this.#history.value;
    const status = this.#history.status;
    return html`
      <panta-dialog lang=${this.#localize.locale} label=${user ? displayName(user) : ''}>
        ${user ? this.#renderFacts(user) : ''}
        <h3 id="history">${m.history}</h3>
        <div aria-busy=${status === TaskStatus.PENDING ? 'true' : 'false'}>
          ${status === TaskStatus.ERROR
            ? html`<p role="alert">${m.failed}</p>
                <button type="button" class="button" @click=${() => this.#history.run()}>${main.retry}</button>`
            : list
              ? this.#renderHistory(list)
              : html`<p>${main.loading}</p>`}
        </div>
        <div class="pages" slot="footer" part="history-pagination">
          <span>${list ? `${m.entries}: ${this.#localize.total(list)}` : ''}</span>
          <button type="button" class="button" data-page="newer" ?disabled=${this.cursors.length === 1} @click=${() => (this.cursors = this.cursors.slice(0, -1))}>
            ${m.newer}
          </button>
          <button type="button" class="button" data-page="older" ?disabled=${!list?.nextCursor} @click=${() => (this.cursors = [...this.cursors, list!.nextCursor!])}>
            ${m.older}
          </button>
        </div>
      </panta-dialog>
    `;
  }
}

defineElement('panta-user-detail', PantaUserDetail);

declare global {
  interface HTMLElementTagNameMap {
    'panta-user-detail': PantaUserDetail;
  }
}
