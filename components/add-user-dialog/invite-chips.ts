import { html, nothing, type ReactiveControllerHost } from 'lit';
import { type ListedAddress, parseAddressList } from '../../shared/address-list.ts';
import { ROLES, type Role } from '../../shared/constants.ts';
import type { PantaErrorData } from '../../shared/errors.ts';
import { type ImportVerdict, verdictText } from '../../shared/import.ts';
import type { InviteChecks, InviteEntry } from '../../shared/invite-list.ts';
import type { Language } from '../i18n/localize.ts';
import type { Messages } from '../i18n/en.ts';

/** What the Single form's list of addresses asks of the element; each call throws the client's error when refused. */
export interface InviteListCalls {
  /** The import's verdict on each entry (`users.checkInvites`). */
  check(entries: InviteEntry[]): Promise<InviteChecks>;
  /** Invites them all or nobody (`users.inviteMany`); the element then shows the new view and says so. */
  inviteMany(entries: InviteEntry[]): Promise<void>;
}

/** An address of the list; `role` unset follows the form's role, `verdict` unset while the server judges it. */
interface Chip extends ListedAddress {
  role?: Role;
  verdict?: ImportVerdict;
}

/**
 * The chips' own words, kept here rather than in the element's catalogs: they load with the
 * dialog's chunk, not with the first module. The verdicts reuse the import's ("already pending").
 */
const en = {
  duplicate: 'entered twice',
  remove: (email: string) => `Remove ${email}`,
  roleFor: (email: string) => `Role for ${email}`,
  // Several chips: "Invite 7 people" only when the call would invite them all.
  invite: (count: string, all: string) => (count === all ? `Invite ${all} people` : `Invite ${count} of ${all} people`),
  marked: (count: number, formatted: string) =>
    `${count === 1 ? '1 address is' : `${formatted} addresses are`} marked: remove or correct ${count === 1 ? 'it' : 'them'} first.`,
  added: (count: number, formatted: string, refused: number, refusedFormatted: string) =>
    `${count === 1 ? '1 address' : `${formatted} addresses`} added${refused ? `, ${refusedFormatted} cannot be invited` : ''}`,
  removed: (email: string) => `${email} removed`,
  refused: 'Nobody was invited: remove or correct the marked addresses.',
  tooMany: (limit: string) => `Nobody was invited: at most ${limit} people at once.`,
};

const de: typeof en = {
  duplicate: 'doppelt eingegeben',
  remove: (email) => `${email} entfernen`,
  roleFor: (email) => `Rolle für ${email}`,
  invite: (count, all) => (count === all ? `${all} Personen einladen` : `${count} von ${all} Personen einladen`),
  marked: (count, formatted) =>
    `${count === 1 ? '1 Adresse ist' : `${formatted} Adressen sind`} markiert: Entfernen oder korrigieren Sie sie zuerst.`,
  added: (count, formatted, refused, refusedFormatted) =>
    `${count === 1 ? '1 Adresse' : `${formatted} Adressen`} hinzugefügt${refused ? `, ${refusedFormatted} nicht einladbar` : ''}`,
  removed: (email) => `${email} entfernt`,
  refused: 'Niemand wurde eingeladen: Entfernen oder korrigieren Sie die markierten Adressen.',
  tooMany: (limit) => `Niemand wurde eingeladen: höchstens ${limit} Personen auf einmal.`,
};

export const CHIP_MESSAGES: Record<Language, typeof en> = { en, de };
type ChipMessages = typeof en;
type FormatNumber = (value: number) => string;

/** A verdict that keeps the chip from being invited; unjudged chips are not (yet) refused. */
const isRefused = (chip: Chip) => Boolean(chip.verdict && chip.verdict !== 'invite');

/**
 * The addresses of the Single form's email field as chips: what is pasted or typed before a comma
 * or semicolon becomes chips, each judged by the server (`users.checkInvites`, the whole list
 * again on every change, so removing the first of two duplicates clears the second); a refusal
 * of `inviteMany` marks the chips it names.
 */
export class InviteChips {
  chips: Chip[] = [];
  /** The form's role, which chips without one of their own take. */
  role: Role = 'user';
  /** Counts the checks sent: only the latest one's answer is drawn. */
  #checks = 0;
  /** What the dialog's live region says of the last change: the chips added (once judged) or the one removed. */
  #said: ((t: ChipMessages, n: FormatNumber) => string) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly calls: () => InviteListCalls | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  clear(): void {
    this.#checks += 1;
    this.chips = [];
    this.#said = undefined;
    this.role = 'user';
    this.host.requestUpdate();
  }

  /** The entries to invite, chips without a role of their own taking the form's. */
  entries(): InviteEntry[] {
    return this.chips.map(({ email, firstName, lastName, ...chip }) => ({ email, firstName, lastName, role: chip.role ?? this.role }));
  }

  /** How many chips are refused: `inviteMany` would invite nobody while there are any. */
  refused(): number {
    return this.chips.filter(isRefused).length;
  }

  /** Marks the entries a refusal names (`refused`, by position); the others are fine. True when it named any. */
  refuse(data: PantaErrorData | undefined): boolean {
    if (!data?.refused) return false;
    for (const chip of this.chips) chip.verdict = 'invite';
    for (const { row, verdict } of data.refused) this.chips[row - 1]!.verdict = verdict;
    this.host.requestUpdate();
    return true;
  }

  /**
   * The form's events: in the email field, a comma or semicolon turns what is typed into chips
   * (a name with a comma is pasted), Backspace in the empty field removes the last chip, and a
   * paste of several addresses (or any once there are chips) becomes chips: one address alone is
   * pasted as text, as ever. The role select's choice is the role of chips without their own.
   */
  handleEvent(event: Event): void {
    const input = event.target as HTMLInputElement;
    if (input.id === 'role') {
      this.role = input.value as Role;
      this.host.requestUpdate();
    }
    if (input.id !== 'email') return;
    const { key } = event as KeyboardEvent;
    if (key === ',' || key === ';') {
      this.take(input, input.value, event);
    } else if (event.type === 'paste') {
      this.takeSeveral(input, `${input.value} ${(event as ClipboardEvent).clipboardData?.getData('text') ?? ''}`, event);
    } else if (key === 'Backspace' && !input.value && this.chips.length > 0) {
      event.preventDefault();
      this.#remove(this.chips.length - 1);
    }
  }

  /** Turns `text` (what the field holds) into chips and empties the field, unless it holds no address. */
  take(input: HTMLInputElement, text: string, event?: Event): void {
    const added = parseAddressList(text);
    if (added.length === 0) return;
    event?.preventDefault();
    input.value = '';
    this.#set([...this.chips, ...added], added);
  }

  /** The same once there are chips or `text` holds several addresses: one address alone stays text, as ever. */
  takeSeveral(input: HTMLInputElement, text = input.value, event?: Event): void {
    if (this.chips.length > 0 || parseAddressList(text).length > 1) this.take(input, text, event);
  }

  #remove(index: number) {
    const email = this.chips[index]!.email;
    this.#said = (t) => t.removed(email);
    this.#set(this.chips.filter((_, at) => at !== index));
  }

  #set(chips: Chip[], added: Chip[] = []) {
    this.chips = chips;
    this.host.requestUpdate();
    void this.#check(added);
  }

  /** Judges the list; the chips just `added` are announced with how many of them cannot be invited. */
  async #check(added: Chip[]) {
    const sent = (this.#checks += 1);
    const chips = this.chips;
    if (chips.length === 0) return;
    try {
      const { entries } = (await this.calls()?.check(this.entries())) ?? { entries: [] };
      if (sent !== this.#checks) return;
      chips.forEach((chip, index) => (chip.verdict = entries[index]?.verdict));
      const refused = added.filter(isRefused).length;
      if (added.length > 0) this.#said = (t, n) => t.added(added.length, n(added.length), refused, n(refused));
      this.host.requestUpdate();
    } catch (error) {
      if (sent === this.#checks) this.onError(error);
    }
  }

  /**
   * The chips, each with its verdict in words (not colour alone, and the description of its role
   * select and remove button, which Tab reaches), its role, and its remove button; and the live region that says
   * what a paste or a removal did (the dialog is modal: the element's own live region is outside it).
   */
  render(m: Messages, language: Language, n: FormatNumber) {
    const t = CHIP_MESSAGES[language];
    // The import's words for a verdict, without its "Skipped: ".
    const verdict = (verdict: ImportVerdict) =>
      verdict === 'duplicate' ? t.duplicate : verdictText(language, { verdict, duplicateOfRow: null }).replace(/^[^:]*: /, '');
    return html`
      <div class="visually-hidden" role="status">${this.#said?.(t, n)}</div>
      <ul class="chips" part="chips" ?hidden=${this.chips.length === 0}>
        ${this.chips.map(
          (chip, index) => html`
            <li class="chip" part="chip" data-verdict=${chip.verdict ?? nothing}>
              <span>${chip.email} <span class="hint">${`${chip.firstName} ${chip.lastName}`.trim()}</span></span>
              ${isRefused(chip) ? html`<span class="field-error" id="verdict-${index}">${verdict(chip.verdict!)}</span>` : nothing}
              <select
                aria-label=${t.roleFor(chip.email)}
                aria-describedby=${isRefused(chip) ? `verdict-${index}` : nothing}
                @change=${(event: Event) => (chip.role = (event.target as HTMLSelectElement).value as Role)}
              >
                ${ROLES.map((option) => html`<option value=${option} ?selected=${option === (chip.role ?? this.role)}>${option === 'admin' ? m.roleAdmin : m.roleUser}</option>`)}
              </select>
              <button
                type="button"
                aria-label=${t.remove(chip.email)}
                aria-describedby=${isRefused(chip) ? `verdict-${index}` : nothing}
                @click=${(event: Event) => {
                  // Focus goes to the email field, where typing goes on.
                  (event.target as HTMLElement).closest('form')!.querySelector<HTMLElement>('#email')!.focus();
                  this.#remove(index);
                }}
              >
                ×
              </button>
            </li>
          `,
        )}
      </ul>
    `;
  }
}
