/**
 * The server's own dependencies are optional peer dependencies of the package, so that an app that
 * only embeds the element or calls the typed client installs no web server, database driver or
 * native module. A server host installs them beside the package; this names the ones it forgot
 * before anything imports them, where Node would only say that some file of ours cannot find one.
 */

/**
 * The server's share of package.json's `peerDependencies`, all marked optional there (a test keeps
 * this list equal to the peers that dist/lib/server imports). The other peers are the front end's:
 * Lit for the unbundled element, `@trpc/client` for the typed client.
 */
export const SERVER_PEERS = ['@fastify/cors', '@trpc/server', 'better-sqlite3', 'fastify', 'kysely', 'nodemailer', 'pg', 'sheetjs-style', 'zod'] as const;

/** The peers that the package cannot resolve from where it is installed. */
export function missingServerPeers(): string[] {
  return SERVER_PEERS.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** What to tell someone running `entry` (an import path or the command) without every peer, or undefined. */
export function missingPeersMessage(entry: string): string | undefined {
  const missing = missingServerPeers();
  if (missing.length === 0) return undefined;
  return (
    `${entry} needs ${missing.join(', ')}, not installed. The server's dependencies are optional peer dependencies, ` +
    `which npm leaves out; install them beside the package:\n  npm install ${SERVER_PEERS.join(' ')}`
  );
}

export function assertServerPeers(entry: string): void {
  const message = missingPeersMessage(entry);
  if (message) throw new Error(message);
}
