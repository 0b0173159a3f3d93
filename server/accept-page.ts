import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { ACCEPT_MESSAGES } from '../components/accept-invitation/messages.ts';
import { LANGUAGES, type Language } from '../shared/constants.ts';
import { pageSecurityHeaders } from './page-headers.ts';
import { requestLanguage } from './request-language.ts';

export interface AcceptPageOptions {
  /**
   * The tRPC endpoint as the invitee's browser reaches it: where `pantaUserManagement` is served
   * (`/api/users`, or an absolute URL on another origin listed in its CORS origins).
   */
  apiUrl: string;
  /**
   * Where the page is served, under the prefix this plugin is registered with; default `/accept`.
   * Invitation links open `PUBLIC_URL/accept`: register it at the root, or forward that address.
   */
  path?: string;
  /** Where "Continue to sign in" leads after onboarding; default `/`. */
  signInUrl?: string;
  /** The built `<panta-accept-invitation>`; by default the package's own `dist/element/panta-accept-invitation.js`. */
  elementFile?: string;
}

const ELEMENT_FILE = 'panta-accept-invitation.js';

/** The built element, from the compiled library (dist/lib/server) or from the sources (server/). */
function packagedElementFile(): string | undefined {
  return ['../../element/', '../dist/element/']
    .map((folder) => fileURLToPath(new URL(folder + ELEMENT_FILE, import.meta.url)))
    .find((file) => existsSync(file));
}

const escapeAttribute = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The whole page: the element and nothing else; no inline script, so the page policy holds. Its
 * language and title are the browser's (the element's heading, until the invitation names its own).
 */
function acceptPageHtml(language: Language, options: { scriptUrl: string; apiUrl: string; signInUrl: string }): string {
  return `<!doctype html>
<html lang="${language}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${escapeAttribute(ACCEPT_MESSAGES[language].title)} – PANTA OS</title>
    <style>:root { color-scheme: light dark; } body { margin: 0; } panta-accept-invitation { min-height: 100vh; } panta-accept-invitation::part(base) { margin: 0 auto; padding-top: 2rem; }</style>
    <script type="module" src="${escapeAttribute(options.scriptUrl)}"></script>
  </head>
  <body>
    <panta-accept-invitation api-url="${escapeAttribute(options.apiUrl)}" sign-in-url="${escapeAttribute(options.signInUrl)}"></panta-accept-invitation>
  </body>
</html>
`;
}

/**
 * The page invitation links open (`PUBLIC_URL/accept#token=…`): a minimal HTML page that loads
 * `<panta-accept-invitation>` from the package, so a host needs no page of its own. The page and
 * its script carry the page security headers (server/page-headers.ts): scripts from this origin
 * only, no framing, and no Referer, since the page's address holds the token in its fragment.
 */
export const pantaAcceptPage: FastifyPluginAsync<AcceptPageOptions> = async (app, options) => {
  const path = options.path ?? '/accept';
  const elementFile = options.elementFile ?? packagedElementFile();
  if (!elementFile) app.log.warn(`No ${ELEMENT_FILE} in the package's dist/element: run \`npm run build\` to serve the accept page's element`);
  const scriptPath = `${path.replace(/\/$/, '')}/${ELEMENT_FILE}`;
  const pageOptions = { scriptUrl: `${app.prefix}${scriptPath}`, apiUrl: options.apiUrl, signInUrl: options.signInUrl ?? '/' };
  const pages = Object.fromEntries(LANGUAGES.map((language) => [language, acceptPageHtml(language, pageOptions)])) as Record<Language, string>;
  let script: Promise<Buffer> | undefined;

  app.addHook('onSend', pageSecurityHeaders);
  app.get(path, (request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('vary', 'Accept-Language')
      .send(pages[requestLanguage(request.headers['accept-language'])]),
  );
  app.get(scriptPath, async (_request, reply) => {
    if (!elementFile) return reply.code(404).send({ error: 'The accept page element is not built' });
    // Read once; a failed read is tried again on the next request.
    script ??= readFile(elementFile).catch((error: unknown) => {
      script = undefined;
      throw error;
    });
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(await script);
  });
};
