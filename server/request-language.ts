import { LANGUAGES, type Language } from '../shared/constants.ts';

/**
 * The language a request asks for, from its `Accept-Language`: the admin element sends its own
 * `lang` there; a browser opening the accept page (or calling without the element) the user's
 * preference. The most preferred of ours wins (by
 * `q`, then by order; `de-CH` counts as `de`); English when none is, or nothing is said.
 */
export function requestLanguage(header: string | undefined): Language {
  let best: { language: Language; q: number } | undefined;
  for (const part of (header ?? '').split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().split(';');
    const language = tag.trim().toLowerCase().split('-', 1)[0] as Language;
    if (!LANGUAGES.includes(language)) continue;
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'en';
}
