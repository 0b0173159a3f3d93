export * from './constants.ts';
export * from './errors.ts';
export * from './field-rules.ts';
export * from './schemas.ts';
export type { AppRouter } from './router.ts';
export * from './live.ts';
