import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PantaErrorData } from '../../shared/errors.ts';
import { de } from './de.ts';
import { type Messages, en } from './en.ts';

const CATALOGS = { en, de } satisfies Record<string, Messages>;
/** The languages the element speaks: the base language of a BCP 47 tag. */
export type Language = keyof typeof CATALOGS;
export const SUPPORTED_LANGUAGES = Object.keys(CATALOGS);

const DAY_MS = 86_400_000;

/**
 * Intl formatters by locale and options, shared by every element on the page. Constructing one
 * costs far more than formatting with it (about 0.1 ms for a DateTimeFormat), and a 100-row page
 * formats up to 300 dates on every render.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(Format: new (locale: string, options?: object) => T, locale: string, options?: object): T {
  const key = `${Format.name} ${locale} ${JSON.stringify(options)}`;
  let found = formatters.get(key) as T | undefined;
  if (!found) formatters.set(key, (found = new Format(locale, options)));
  return found;
}

/** Every localized element on the page re-renders when <html lang> changes. */
const connected = new Set<ReactiveControllerHost>();
let documentObserver: MutationObserver | undefined;

function observeDocumentLang() {
  if (documentObserver || typeof MutationObserver === 'undefined') return;
  documentObserver = new MutationObserver(() => connected.forEach((host) => host.requestUpdate()));
  documentObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
}

/**
 * Picks the language for an element (its own `lang`, else what `preferred` says, else the page's
 * `<html lang>`, else English) and formats with Intl for it. No UI string lives outside the catalogs.
 */
export class LocalizeController implements ReactiveController {
  /** `preferred`: a language the element knows better than the page, such as an invitation's. */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly preferred?: () => string | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    connected.add(this.host);
    observeDocumentLang();
  }

  hostDisconnected(): void {
    connected.delete(this.host);
  }

  /** The BCP 47 tag in use, e.g. `de-CH`; its language picks the catalog. */
  get locale(): string {
    const tag = this.host.lang || this.preferred?.() || document.documentElement.lang || 'en';
    return Object.hasOwn(CATALOGS, baseLanguage(tag)) ? tag : 'en';
  }

  /** The catalog's language, `en` or `de`: what the server's files (template, report, export) are asked in. */
  get language(): Language {
    return baseLanguage(this.locale) as Language;
  }

  get messages(): Messages {
    return CATALOGS[this.language];
  }

  number(value: number, options?: Intl.NumberFormatOptions): string {
    return formatter(Intl.NumberFormat, this.locale, options).format(value);
  }

  /** A list's total, "10,000+" where the server stopped counting (`totalCapped`). */
  total({ total, totalCapped }: { total: number; totalCapped: boolean }): string {
    return this.number(total) + (totalCapped ? '+' : '');
  }

  /** A percentage given as 0–100, with up to one decimal. */
  percent(value: number): string {
    return this.number(value / 100, { style: 'percent', maximumFractionDigits: 1 });
  }

  date(iso: string): string {
    return formatter(Intl.DateTimeFormat, this.locale, { dateStyle: 'medium' }).format(new Date(iso));
  }

  /** A date with its time, for a tooltip beside a relative time. */
  dateTime(iso: string): string {
    return formatter(Intl.DateTimeFormat, this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  }

  /** How long ago (or until) `iso` is, in its largest whole unit: "3 days ago", "vor 2 Stunden", "now". */
  relativeTime(iso: string, now = Date.now()): string {
    const seconds = (Date.parse(iso) - now) / 1000;
    // Days rather than months below a year: "45 days ago" says more than "last month" beside a 30/60/90-day filter.
    const units: [Intl.RelativeTimeFormatUnit, number][] = [['year', 31_536_000], ['day', 86_400], ['hour', 3600], ['minute', 60]];
    const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) ?? ['second', 1];
    return formatter(Intl.RelativeTimeFormat, this.locale, { numeric: 'auto' }).format(Math.trunc(seconds / size), unit);
  }

  /** A file size in MB (1,024 × 1,024 bytes, as the server's caps are set), with one decimal at most. */
  megabytes(bytes: number): string {
    return this.number(bytes / 1024 / 1024, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });
  }

  /** Whole days from now until `iso`, never negative. */
  daysUntil(iso: string, now = Date.now()): number {
    return Math.max(0, Math.ceil((Date.parse(iso) - now) / DAY_MS));
  }

  /** The message for a failed call: from the catalog when the server gave a reason we know. */
  errorMessage(data: PantaErrorData | undefined, fallback?: string): string {
    const m = this.messages;
    const reason = data?.reason as keyof Messages['reasons'] | undefined;
    if (reason && reason in m.reasons) {
      const seconds = data?.retryAfterSeconds === undefined ? undefined : this.number(data.retryAfterSeconds);
      // Bytes for the size caps (`…_TOO_LARGE`), rows otherwise.
      const figure = (value: number | undefined) => (value === undefined ? undefined : reason.endsWith('LARGE') ? this.megabytes(value) : this.number(value));
      return m.reasons[reason]({ email: data?.email, seconds, limit: figure(data?.limit), actual: figure(data?.actual) });
    }
    if (!data) return fallback ?? m.networkError;
    return fallback ?? m.genericError;
  }
}

function baseLanguage(tag: string): string {
  return tag.toLowerCase().split('-')[0] ?? 'en';
}
