import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

export interface SignedInUser {
  email: string;
  /** A session token the user-management API accepts for this user. */
  token: string;
}

export interface SsrHostOptions {
  /** The user-management API as the browser reaches it, e.g. `https://portal.example/api/users`. */
  apiUrl: string;
  /** Who is signed in on this request, from the host's own sign-in; null renders a signed-out page. */
  signedInUser(request: FastifyRequest): Promise<SignedInUser | null>;
  /** The built pages (`vite build`), whose manifest names the page's script and styles. */
  root?: string;
}

/** The page's script as Vite's manifest names it (its key is the source path relative to demo/). */
const CLIENT_ENTRY = 'hosts/ssr-client.ts';

interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
}

/** The style sheets a chunk needs, its imports' included (Vite's backend-integration recipe). */
function stylesOf(manifest: Record<string, ManifestChunk>, key: string, seen = new Set<string>()): string[] {
  if (seen.has(key)) return [];
  seen.add(key);
  const chunk = manifest[key];
  return [...(chunk?.imports ?? []).flatMap((imported) => stylesOf(manifest, imported, seen)), ...(chunk?.css ?? [])];
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * A host page rendered on the server, at GET /hosts/ssr: the server knows the signed-in user, so
 * it writes the API address as the element's attribute and the token into a <meta> the page's
 * script hands to the element as its `token` property. Every value is escaped; no script is inline,
 * and the page's Content-Security-Policy allows only scripts from its own origin.
 */
export const ssrHost: FastifyPluginAsync<SsrHostOptions> = async (app, options) => {
  const root = options.root ?? resolve(import.meta.dirname, '../../dist/demo');
  const manifest = JSON.parse(readFileSync(resolve(root, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = manifest[CLIENT_ENTRY];
  if (!entry) throw new Error(`${CLIENT_ENTRY} is not in the Vite manifest of ${root}: rebuild with \`npm run build\``);
  const styles = [...new Set(stylesOf(manifest, CLIENT_ENTRY))].map((file) => `<link rel="stylesheet" href="/${escapeHtml(file)}" />`).join('\n    ');

  app.get('/hosts/ssr', async (request, reply) => {
    const user = await options.signedInUser(request);
    const content = user
      ? `<p>Signed in as <strong>${escapeHtml(user.email)}</strong> (rendered by the server).</p>
      <p id="host-banner" class="demo-banner" role="status" hidden></p>
      <panta-user-management api-url="${escapeHtml(options.apiUrl)}"></panta-user-management>`
      : '<p>Nobody is signed in.</p>';
    return reply
      .code(user ? 200 : 401)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', "script-src 'self'; object-src 'none'; base-uri 'none'")
      .send(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="panta-session-token" content="${escapeHtml(user?.token ?? '')}" />
    <title>Host example · server-rendered</title>
    ${styles}
  </head>
  <body>
    <header class="demo-bar"><strong>Host example</strong><span>Server-rendered (Fastify)</span><a href="/">Back to the demo</a></header>
    <main class="demo-host">
      ${content}
    </main>
    <script type="module" src="/${escapeHtml(entry.file)}"></script>
  </body>
</html>
`);
  });
};
