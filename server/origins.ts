/**
 * The origins a browser may call the API from (`CORS_ORIGINS`, the plugin's `corsOrigins`): each
 * `scheme://host[:port]` and nothing more. A wildcard or a path is a mistake, and `*` would let
 * every site's pages read what an admin's browser is given.
 */
const ORIGIN = /^https?:\/\/[^/\s*]+$/;

export const CORS_ORIGINS_RULE = 'list origins such as https://portal.example; never `*`';

/** The entries of `origins` that are not origins; empty when all are. */
export const invalidOrigins = (origins: readonly string[]): string[] => origins.filter((origin) => !ORIGIN.test(origin));
