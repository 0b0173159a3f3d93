/**
 * The router's type, for clients. Type-only: no server code can reach a browser bundle through it.
 */
export type { AppRouter } from '../server/routers/app.ts';
