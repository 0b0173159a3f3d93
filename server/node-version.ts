/**
 * The oldest Node line the server runs on (package.json's `engines` says the same; a test keeps
 * them equal). better-sqlite3 13 ends a Node 20 process with a segmentation fault, and no message,
 * when it opens a database: the entries check the version first and say what is wrong.
 */
export const OLDEST_NODE_MAJOR = 22;

/** What to tell someone starting `entry` (an import path or a command) on too old a Node, or undefined. */
export function unsupportedNodeMessage(entry: string, version: string = process.versions.node): string | undefined {
  if (Number(version.split('.')[0]) >= OLDEST_NODE_MAJOR) return undefined;
  return `${entry} needs Node ${OLDEST_NODE_MAJOR} or newer (the LTS lines 22 and 24); this is Node ${version}.`;
}

export function assertSupportedNode(entry: string): void {
  const message = unsupportedNodeMessage(entry);
  if (message) throw new Error(message);
}
