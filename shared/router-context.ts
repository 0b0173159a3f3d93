/**
 * The context every procedure receives, as the router's type names it. Empty here: server/context.ts
 * fills it in by declaration merging, so the server's procedures see the whole context while the
 * published `AppRouter` type, which clients import, reaches no server module and no database type.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by server/context.ts
export interface RouterContext {}
