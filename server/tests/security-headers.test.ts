import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { demoRoutes } from '../../demo/routes.ts';
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase, type OpenedDatabase } from '../db/database.ts';
import { seedDemoWorkspace } from '../seed.ts';
import { ManualClock } from '../testing/clock.ts';
import { tinyDemoBuild } from '../testing/demo-build.ts';

/** The CSP's directives by name. */
const directivesOf = (policy: string | undefined) =>
  Object.fromEntries(
    (policy ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!.toLowerCase(), values.join(' ')]),
  );

describe('security headers on the pages the server serves', () => {
  let root: string;
  let database: OpenedDatabase;
  let app: FastifyInstance;

  before(async () => {
    root = tinyDemoBuild();
    database = await openDatabase(':memory:');
    const config = { ...loadConfig({ NODE_ENV: 'development', PUBLIC_URL: 'https://portal.test' }), databaseUrl: ':memory:' };
    app = await buildServer({ config, database, clock: new ManualClock(), jobs: false });
    await app.register(demoRoutes, { management: app.management, root });
    await seedDemoWorkspace(app.management.deps);
  });
  after(async () => {
    await app.close();
    await database.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** As the browser asks for the demo's pages and routes, from the demo itself (the demo routes refuse anything else). */
  const get = (url: string) => app.inject({ url, headers: { 'sec-fetch-site': 'same-origin' } });
  const pages = ['/', '/index.html', '/accept', '/hosts/ssr'];

  it('every HTML page allows scripts from its own origin only, no plugins, no <base>, no framing', async () => {
    for (const url of pages) {
      const response = await get(url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      const csp = directivesOf(response.headers['content-security-policy'] as string | undefined);
      assert.equal(csp['script-src'], "'self'", `${url}: script-src`);
      assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp['script-src'] ?? ''), `${url}: script-src allows inline or any script`);
      assert.equal(csp['object-src'], "'none'", `${url}: object-src`);
      assert.equal(csp['base-uri'], "'none'", `${url}: base-uri`);
      assert.equal(csp['frame-ancestors'], "'none'", `${url}: frame-ancestors`);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['referrer-policy'], 'no-referrer', url);
    }
  });

  it('the accept page sends no Referer, and is served at the link invitations carry', async () => {
    const response = await get('/accept');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    // The server's own page (server/accept-page.ts), in demo mode too.
    assert.match(response.body, /<panta-accept-invitation api-url="\/api\/users"/);
  });

  it('the server-rendered host page keeps its own policy and gains what it lacked', async () => {
    const response = await get('/hosts/ssr?as=admin');
    const csp = directivesOf(response.headers['content-security-policy'] as string);
    assert.equal(csp['script-src'], "'self'");
    assert.equal(csp['frame-ancestors'], "'none'");
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.doesNotMatch(response.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script on the page');
  });

  it('scripts, JSON and the health check are nosniff and carry no page policy', async () => {
    for (const url of ['/assets/index.js', '/healthz', '/demo/mailbox', '/api/users/session.me']) {
      const response = await get(url);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['content-security-policy'], undefined, url);
    }
  });

  it('no page of the demo (the sources of its build) has an inline script or inline event handler', () => {
    const demo = resolve(import.meta.dirname, '../../demo');
    const sources = [...readdirSync(demo).map((name) => join(demo, name)), ...readdirSync(join(demo, 'hosts')).map((name) => join(demo, 'hosts', name))].filter(
      (path) => path.endsWith('.html'),
    );
    assert.ok(sources.length >= 4, `found ${sources.length} pages`);
    for (const path of sources) {
      const html = readFileSync(path, 'utf8');
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc=/, `${path}: inline script ${tag}`);
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${path}: inline event handler`);
      assert.doesNotMatch(html, /javascript:/i, `${path}: javascript: URL`);
    }
  });
});
