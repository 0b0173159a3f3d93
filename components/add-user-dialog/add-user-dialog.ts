import { LitElement, html, nothing } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import {
  type GeneratedFile,
  type ImportColumn,
  IMPORT_ACCEPT,
  IMPORT_PREVIEW_PAGE_ROWS,
  IMPORT_TEXT,
  type ImportCommitResult,
  type ImportLang,
  type ImportPreview,
  type ImportRowVerdict,
  importFormData,
  verdictText,
} from '../../shared/import.ts';
import type { InviteUserInput } from '../../shared/inputs.ts';
import { errorDataOf, isAbort } from '../api/client.ts';
import { FocusController } from '../controllers/focus-controller.ts';
import '../dialog/dialog.ts';
import type { PantaDialog } from '../dialog/dialog.ts';
import { DIALOG_MESSAGES } from '../dialog/messages.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { downloadGenerated } from '../internal/download.ts';
import { roleField, textField } from '../internal/fields.ts';
import { handleTabsKeydown } from '../internal/tabs-keyboard.ts';
import { type FieldErrors, INVITE_RULES, serverFieldErrors, validate } from '../internal/validation.ts';
import styles from './add-user-dialog.styles.ts';
import { CHIP_MESSAGES, InviteChips, type InviteListCalls } from './invite-chips.ts';

type Mode = 'single' | 'bulk';
const MODES: Mode[] = ['single', 'bulk'];
/**
 * Preview rows drawn at most: a department's 50,000 rows would be 250,000 table cells. The server
 * sends no more: of a longer file, its skipped rows first, which are what needs a look; the error
 * report lists every row.
 */
export const PREVIEW_ROWS_SHOWN = IMPORT_PREVIEW_PAGE_ROWS;

/** How much of an upload has gone out, as a fraction: 1 once the whole file is at the server. */
type OnProgress = (fraction: number) => void;

/**
 * What the Bulk import tab asks of the element. Each call throws the client's error when the server
 * refuses; the three that send the file report its upload's progress.
 */
export interface ImportCalls {
  template(lang: ImportLang): Promise<GeneratedFile>;
  /** `signal` cancels the call. */
  preview(form: FormData, onProgress: OnProgress, signal: AbortSignal): Promise<ImportPreview>;
  errorReport(form: FormData, onProgress: OnProgress): Promise<GeneratedFile>;
  /** Invites the valid rows; the element then refreshes and says so. */
  commit(form: FormData, onProgress: OnProgress): Promise<ImportCommitResult>;
}

/** What the server does with an uploaded file until it answers, named over the bar once the upload is done. */
type ServerStage = 'readingRows' | 'invitingRows';

/**
 * The Add user dialog: Single import invites one person (validated with the shared schema; the
 * server's conflicts show next to the email field), or several pasted or typed as chips
 * (./invite-chips.ts), all or nobody; Bulk import takes a spreadsheet: template,
 * upload with progress, a preview of every row's verdict, the error report, then one import.
 *
 * @summary Add user dialog.
 * @tagname panta-add-user-dialog
 * @csspart form - The single-import form.
 * @csspart chips - The list of addresses when several are entered.
 * @csspart chip - One address of it: its verdict (`data-verdict` once judged), role and remove button.
 * @csspart submit-button - Sends the invitation, or imports the previewed rows.
 * @csspart bulk-import - The Bulk import panel.
 * @csspart drop-zone - Where a spreadsheet is dropped or picked.
 * @csspart progress - The progress bar while a file goes up or a call runs.
 * @csspart progress-stage - Names the stage over the bar: uploading (with its share), then what the server does with the file.
 * @csspart import-totals - The preview's totals.
 * @csspart import-shown - Says how many preview rows are shown, when a long file's are not all.
 * @csspart import-preview - The table of rows and their verdicts.
 */
export class PantaAddUserDialog extends LitElement {
  static override styles = styles;

  readonly #localize = new LocalizeController(this);
  // The file input is disabled while its upload runs: focus goes to the Bulk import tab meanwhile.
  readonly #focus = new FocusController(this, {
    locate: (node) => (node.getRootNode() === this.renderRoot ? true : undefined),
    recover: () => [this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')],
  });

  @query('panta-dialog') private dialog!: PantaDialog;
  @query('form') private form!: HTMLFormElement;
  @queryAll('[role="tab"]') private modeTabs!: NodeListOf<HTMLElement>;

  @property() override lang!: string;
  /** Sends the invitation; throws the client's error when the server refuses. */
  @property({ attribute: false }) invite: ((input: InviteUserInput) => Promise<void>) | undefined;
  @property({ attribute: false }) imports: ImportCalls | undefined;
  /** Checks and invites the Single form's addresses when there are several. */
  @property({ attribute: false }) invites: InviteListCalls | undefined;
  /** Restores a user from Recently deleted, offered when the email to invite is theirs; throws when refused. */
  @property({ attribute: false }) restore: ((id: string) => Promise<void>) | undefined;

  @state() private mode: Mode = 'single';
  @state() private errors: FieldErrors = {};
  @state() private formError = '';
  @state() private busy = false;
  /** The user in Recently deleted whose email was entered: restoring them is offered instead. */
  @state() private restorable: string | undefined;
  /** The spreadsheet being imported, and what the server said it would do with it. */
  @state() private file: File | undefined;
  @state() private preview: ImportPreview | undefined;
  /**
   * How much of the upload has gone out (0–1), as the upload reports it: below 1 the file is on its
   * way, at 1 the server works on it (`#serverStage`); unset for a call that uploads nothing.
   */
  @state() private progress: number | undefined;
  #serverStage: ServerStage | undefined;
  /** Cancels the preview under way: closing the dialog drops it, so that no late answer fills a new one. */
  #previewing: AbortController | undefined;

  /** The Single form's addresses once there are several (./invite-chips.ts). */
  readonly #chips = new InviteChips(
    this,
    () => this.invites,
    (error) => (this.formError = this.#localize.errorMessage(errorDataOf(error))),
  );

  #setMode(mode: Mode) {
    this.mode = mode;
    this.formError = '';
  }

  #onModeKeydown(event: KeyboardEvent) {
    handleTabsKeydown(event, [...this.modeTabs], (index) => this.#setMode(MODES[index] ?? 'single'));
  }

  /**
   * Runs a bulk-import call; a refusal is shown in the dialog, in the element's language. A call that
   * uploads the file names what the server then does (`serverStage`).
   */
  async #run<T>(call: (imports: ImportCalls, onProgress: OnProgress) => Promise<T>, serverStage?: ServerStage): Promise<T | undefined> {
    if (this.busy || !this.imports) return;
    this.#serverStage = serverStage;
    this.progress = serverStage ? 0 : undefined;
    this.busy = true;
    this.formError = '';
    try {
      return await call(this.imports, (fraction) => (this.progress = fraction));
    } catch (error) {
      if (!isAbort(error)) this.formError = this.#localize.errorMessage(errorDataOf(error));
    } finally {
      this.busy = false;
      this.progress = undefined;
    }
  }

  async #save(generate: (imports: ImportCalls, onProgress: OnProgress) => Promise<GeneratedFile>, serverStage?: ServerStage) {
    const file = await this.#run(generate, serverStage);
    if (file) downloadGenerated(file);
  }

  async #upload(file: File | undefined) {
    if (!file) return;
    this.file = file;
    this.preview = undefined;
    const previewing = (this.#previewing = new AbortController());
    this.preview = await this.#run((imports, onProgress) => imports.preview(importFormData(file), onProgress, previewing.signal), 'readingRows');
  }

  #onPick(event: Event) {
    const input = event.target as HTMLInputElement;
    void this.#upload(input.files?.[0]);
    // Picking the same file again (after fixing it) must upload it again.
    input.value = '';
  }

  #onDrop(event: DragEvent) {
    event.preventDefault();
    void this.#upload(event.dataTransfer?.files[0]);
  }

  async #commit() {
    const file = this.file;
    if (file && (await this.#run((imports, onProgress) => imports.commit(importFormData(file), onProgress), 'invitingRows'))) this.hide();
  }

  #values(): Record<string, string> {
    const data = new FormData(this.form);
    return Object.fromEntries(['email', 'firstName', 'lastName', 'role'].map((key) => [key, String(data.get(key) ?? '')]));
  }

  /**
   * Several addresses: the chips' entries in one `inviteMany`, all or nobody; a refusal marks the
   * chips it names. While chips are marked the server would refuse the list: the alert says how
   * many, and focus goes to the first one's remove button (described by its verdict, hence the selector).
   */
  async #inviteMany() {
    const refused = this.#chips.refused();
    if (refused > 0) {
      this.formError = CHIP_MESSAGES[this.#localize.language].marked(refused, this.#localize.number(refused));
      return this.renderRoot.querySelector<HTMLElement>('.chip button[aria-describedby]')?.focus();
    }
    this.busy = true;
    try {
      await this.invites?.inviteMany(this.#chips.entries());
      this.hide();
    } catch (error) {
      const data = errorDataOf(error);
      const t = CHIP_MESSAGES[this.#localize.language];
      this.formError = this.#chips.refuse(data)
        ? t.refused
        : data?.reason === 'INVITES_TOO_MANY'
          ? t.tooMany(this.#localize.number(data.limit ?? 0))
          : this.#localize.errorMessage(data);
    } finally {
      this.busy = false;
    }
  }

  async #onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.formError = '';
    const values = this.#values();
    // What is still typed joins the chips once there are several addresses; one alone is invited as ever.
    this.#chips.takeSeveral(this.form.querySelector<HTMLInputElement>('#email')!);
    const [chip, ...more] = this.#chips.chips;
    if (more.length > 0) return this.#inviteMany();
    // A single chip is the one address: the name fields apply, its display name where they are empty.
    if (chip) Object.assign(values, { email: chip.email, firstName: values.firstName || chip.firstName, lastName: values.lastName || chip.lastName, role: chip.role ?? values.role });
    const checked = validate<InviteUserInput>(values, INVITE_RULES, this.#localize);
    if (!checked.ok) {
      this.errors = checked.errors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.errors = {};
    this.restorable = undefined;
    this.busy = true;
    try {
      await this.invite?.(checked.data);
      this.#chips.clear();
      this.hide();
    } catch (error) {
      const data = errorDataOf(error);
      if (data?.reason?.startsWith('EMAIL_') || data?.reason === 'UNIQUE_VIOLATION') {
        this.errors = { email: this.#localize.errorMessage(data) };
        this.restorable = data.reason === 'EMAIL_TAKEN_DELETED' ? data.userId : undefined;
      } else if (data?.fieldErrors && Object.keys(data.fieldErrors).length > 0) {
        this.errors = serverFieldErrors(data);
      } else {
        this.formError = this.#localize.errorMessage(data);
      }
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  async #restoreInstead() {
    const id = this.restorable;
    if (!id || this.busy) return;
    this.busy = true;
    try {
      await this.restore?.(id);
      this.hide();
    } catch (error) {
      this.formError = this.#localize.errorMessage(errorDataOf(error));
    } finally {
      this.busy = false;
      this.restorable = undefined;
    }
  }

  show(): void {
    // Reopened before the last close was even announced: its preview is stale all the same.
    this.#previewing?.abort();
    this.#setMode('single');
    this.errors = {};
    this.restorable = undefined;
    this.file = this.preview = undefined;
    this.form?.reset();
    this.#chips.clear();
    this.dialog.show();
  }

  hide(): void {
    this.dialog.hide();
  }

  #field(name: 'email' | 'firstName' | 'lastName', label: string) {
    const required = name === 'email';
    const shown = required ? label : html`${label} <span class="hint">${DIALOG_MESSAGES[this.#localize.language].optional}</span>`;
    // The form's alert is about the addresses too: the email field is invalid while it shows.
    return textField(name, shown, this.errors[name], required, '', required ? 'email' : 'text', required && this.formError ? 'form-error' : undefined);
  }

  /** The stage the call is in, named over its bar: the upload's share while the file goes out (a bar that fills), then the server's work. */
  #renderProgress() {
    const m = DIALOG_MESSAGES[this.#localize.language];
    const progress = this.progress ?? 1;
    const stage =
      this.progress === undefined
        ? m.loading
        : progress < 1
          ? m.uploadingPercent(this.#localize.number(progress, { style: 'percent' }))
          : m[this.#serverStage!];
    return html`<label class="stage" part="progress-stage">${stage}<progress part="progress" max="1" value=${progress < 1 ? progress : nothing}></progress></label>`;
  }

  #renderBulk() {
    const { language } = this.#localize;
    const m = DIALOG_MESSAGES[language];
    const n = (value: number) => this.#localize.number(value);
    const text = IMPORT_TEXT[language];
    const preview = this.preview;
    const rows = preview?.rows ?? [];
    // A value a formula computed is what the file's program cached: worth a look.
    const cell = (row: ImportRowVerdict, columns: ImportColumn[], value: string) =>
      row.formulaColumns.some((column) => columns.includes(column))
        ? html`${value} <span class="hint" data-formula>(${text.fromFormula})</span>`
        : value;
    // The preview's frame scrolls and holds nothing to focus: it takes the focus itself, so that a keyboard can scroll it.
    return html`
      <div class="bulk" part="bulk-import">
        <button type="button" class="button" data-import="template" @click=${() => this.#save((imports) => imports.template(language))}>
          ${m.downloadTemplate}
        </button>
        <label class="drop" part="drop-zone" @dragover=${(event: DragEvent) => event.preventDefault()} @drop=${this.#onDrop}>
          ${m.chooseFile} <span class="hint">(${IMPORT_ACCEPT.replaceAll(',', ', ')})</span>
          <input type="file" class="visually-hidden" accept=${IMPORT_ACCEPT} ?disabled=${this.busy} @change=${this.#onPick} />
        </label>
        ${this.busy ? this.#renderProgress() : nothing}
        ${preview
          ? html`
              <p part="import-totals" role="status">
                ${m.importTotals(n(preview.totals.rows), n(preview.totals.invite), n(preview.totals.skipped))}
              </p>
              <div class="table-wrap" role="region" tabindex="0" aria-label=${m.importPreviewLabel}>
                <table part="import-preview">
                  <thead>
                    <tr>
                      ${[text.row, m.email, m.colName, m.role, text.verdict].map((label) => html`<th scope="col">${label}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map(
                      (row) => html`
                        <tr data-verdict=${row.verdict}>
                          <td>${n(row.row)}</td>
                          <td>${cell(row, ['email'], row.email)}</td>
                          <td>${cell(row, ['firstName', 'lastName'], `${row.firstName} ${row.lastName}`.trim())}</td>
                          <td>${cell(row, ['role'], row.role ? (row.role === 'admin' ? m.roleAdmin : m.roleUser) : row.roleText)}</td>
                          <td>${verdictText(language, row, n)}</td>
                        </tr>
                      `,
                    )}
                  </tbody>
                </table>
              </div>
              ${rows.length < preview.totals.rows
                ? html`<p class="hint" part="import-shown">${m.previewShown(n(rows.length), n(preview.totals.rows))}</p>`
                : nothing}
              <button
                type="button"
                class="button"
                data-import="report"
                @click=${() => this.#save((imports, onProgress) => imports.errorReport(importFormData(this.file!, { lang: language }), onProgress), 'readingRows')}
              >
                ${m.downloadErrorReport}
              </button>
            `
          : nothing}
      </div>
    `;
  }

  override render() {
    const m = DIALOG_MESSAGES[this.#localize.language];
    const single = this.mode === 'single';
    const invite = this.preview?.totals.invite ?? 0;
    // Several addresses: the names come from each one's display name ("Anna Berg <anna@x.de>"), not from the name fields.
    const people = this.#chips.chips.length;
    const several = people > 1;
    const n = (value: number) => this.#localize.number(value);
    return html`
      <panta-dialog lang=${this.#localize.locale} label=${m.addUser} class=${this.preview ? 'wide' : ''} @dialog-close=${() => this.#previewing?.abort()}>
        <div role="tablist" aria-label=${m.importMode} @keydown=${this.#onModeKeydown}>
          ${MODES.map(
            (mode) => html`
              <button
                type="button"
                role="tab"
                id="mode-${mode}"
                aria-controls="mode-panel"
                aria-selected=${this.mode === mode ? 'true' : 'false'}
                tabindex=${this.mode === mode ? 0 : -1}
                @click=${() => this.#setMode(mode)}
              >
                ${mode === 'single' ? m.singleImport : m.bulkImport}
              </button>
            `,
          )}
        </div>
        <div role="tabpanel" id="mode-panel" aria-labelledby="mode-${this.mode}">
          <form
            id="invite-form"
            part="form"
            novalidate
            @submit=${this.#onSubmit}
            @keydown=${this.#chips}
            @paste=${this.#chips}
            @change=${this.#chips}
            ?hidden=${!single}
          >
            ${this.#field('email', m.email)}
            ${this.#chips.render(m, this.#localize.language, n)}
            ${this.restorable
              ? html`<button type="button" class="button" data-restore-instead @click=${this.#restoreInstead}>${m.restoreInstead}</button>`
              : nothing}
            <div class="names" ?hidden=${several}>${this.#field('firstName', m.firstName)} ${this.#field('lastName', m.lastName)}</div>
            ${roleField(m, 'user')}
          </form>
          ${single ? nothing : this.#renderBulk()}
          ${this.formError ? html`<p class="form-error" id="form-error" role="alert">${this.formError}</p>` : nothing}
        </div>
        <button slot="footer" type="button" class="button" @click=${() => this.hide()}>${m.cancel}</button>
        ${single || this.preview
          ? html`<button
              slot="footer"
              type=${single ? 'submit' : 'button'}
              form="invite-form"
              class="button primary"
              part="submit-button"
              ?disabled=${this.busy || (!single && invite === 0)}
              @click=${single ? nothing : this.#commit}
            >
              ${single
                ? several
                  ? CHIP_MESSAGES[this.#localize.language].invite(n(people - this.#chips.refused()), n(people))
                  : m.sendInvitation
                : m.inviteCount(invite, this.#localize.number(invite))}
            </button>`
          : nothing}
      </panta-dialog>
    `;
  }
}

defineElement('panta-add-user-dialog', PantaAddUserDialog);

declare global {
  interface HTMLElementTagNameMap {
    'panta-add-user-dialog': PantaAddUserDialog;
  }
}
