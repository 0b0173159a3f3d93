import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { CORS_ORIGINS_RULE, invalidOrigins } from './origins.ts';

/**
 * Lets pages on exactly these origins call the API from a browser (the plugin's `corsOrigins`,
 * `CORS_ORIGINS` for `buildServer`); any other origin gets no `Access-Control-Allow-Origin`.
 * Never credentials: the API takes a bearer token, not cookies. Registered inside the plugin, so
 * it answers for the API's routes only, not for the host's own. A wildcard or anything but an
 * origin is refused at registration, before the server listens.
 */
export async function allowOrigins(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const invalid = invalidOrigins(origins);
  if (invalid.length > 0) throw new Error(`pantaUserManagement corsOrigins: ${CORS_ORIGINS_RULE} (not ${invalid.map((origin) => JSON.stringify(origin)).join(', ')})`);
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'trpc-accept', 'accept-language'],
    maxAge: 600,
  });
}
