import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { pantaAcceptPage } from '../accept-page.ts';
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { startTestServer, type TestServer } from '../testing/harness.ts';

/** The CSP's directives by name. */
const directivesOf = (policy: unknown) =>
  Object.fromEntries(
    String(policy ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!.toLowerCase(), values.join(' ')]),
  );

function assertPageHeaders(headers: Record<string, unknown>) {
  assert.match(String(headers['content-type']), /^text\/html/);
  const csp = directivesOf(headers['content-security-policy']);
  assert.equal(csp['script-src'], "'self'");
  assert.equal(csp['object-src'], "'none'");
  assert.equal(csp['base-uri'], "'none'");
  assert.equal(csp['frame-ancestors'], "'none'");
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['cache-control'], 'no-store');
}

describe('the accept page', () => {
  let server: TestServer;
  let folder: string;
  before(async () => {
    server = await startTestServer({ signInUrl: 'https://portal.test/sign-in' });
    folder = mkdtempSync(join(tmpdir(), 'panta-accept-'));
  });
  after(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the standalone server serves it at /accept, without demo mode, with the page security headers', async () => {
    const response = await server.app.inject({ url: '/accept' });
    assert.equal(response.statusCode, 200);
    assertPageHeaders(response.headers);
    assert.match(response.body, /<script type="module" src="\/accept\/panta-accept-invitation\.js"><\/script>/);
    assert.match(response.body, /<panta-accept-invitation api-url="\/api\/users" sign-in-url="https:\/\/portal\.test\/sign-in"><\/panta-accept-invitation>/);
    assert.match(response.body, /<meta name="referrer" content="no-referrer" \/>/);
    for (const tag of response.body.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc=/, `inline script ${tag}`);
  });

  it('speaks the browser’s language: <html lang> and the title follow Accept-Language (German or English, else English)', async () => {
    const pageIn = async (acceptLanguage?: string) => {
      const response = await server.app.inject({ url: '/accept', headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
      assert.equal(response.statusCode, 200);
      assertPageHeaders(response.headers);
      assert.match(String(response.headers.vary), /accept-language/i);
      return { lang: /<html lang="([^"]*)">/.exec(response.body)?.[1], title: /<title>([^<]*)<\/title>/.exec(response.body)?.[1] };
    };
    assert.deepEqual(await pageIn('de'), { lang: 'de', title: 'Einladung annehmen – PANTA OS' });
    assert.deepEqual(await pageIn('fr-CH, de-CH;q=0.8, en;q=0.5'), { lang: 'de', title: 'Einladung annehmen – PANTA OS' });
    assert.deepEqual(await pageIn(), { lang: 'en', title: 'Accept your invitation – PANTA OS' });
    assert.deepEqual(await pageIn('fr'), { lang: 'en', title: 'Accept your invitation – PANTA OS' });
  });

  it('SIGN_IN_URL defaults to PUBLIC_URL', async () => {
    const plain = await startTestServer();
    try {
      assert.match((await plain.app.inject({ url: '/accept' })).body, /sign-in-url="https:\/\/portal\.test"/);
    } finally {
      await plain.close();
    }
  });

  it('a host mounts it at a path of its choice, and its script comes from the package', async () => {
    const elementFile = join(folder, 'element.js');
    writeFileSync(elementFile, 'customElements.define("panta-accept-invitation", class extends HTMLElement {});');
    const app = Fastify();
    try {
      await app.register(pantaAcceptPage, {
        prefix: '/portal',
        path: '/join',
        apiUrl: '/portal/api/users',
        signInUrl: 'https://portal.example/login?next="home"',
        elementFile,
      });
      const page = await app.inject({ url: '/portal/join' });
      assert.equal(page.statusCode, 200);
      assertPageHeaders(page.headers);
      assert.match(page.body, /src="\/portal\/join\/panta-accept-invitation\.js"/);
      assert.match(page.body, /api-url="\/portal\/api\/users" sign-in-url="https:\/\/portal\.example\/login\?next=&#34;home&#34;"/);

      const script = await app.inject({ url: '/portal/join/panta-accept-invitation.js' });
      assert.equal(script.statusCode, 200);
      assert.match(String(script.headers['content-type']), /^text\/javascript/);
      assert.equal(script.headers['x-content-type-options'], 'nosniff');
      assert.equal(script.body, 'customElements.define("panta-accept-invitation", class extends HTMLElement {});');
      assert.equal((await app.inject({ url: '/accept' })).statusCode, 404);
    } finally {
      await app.close();
    }
  });

  it('a host that serves its own page turns it off', async () => {
    const database = await openDatabase(':memory:');
    const config = { ...loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' }), databaseUrl: ':memory:', secret: 'x'.repeat(32) };
    const app = await buildServer({ config, database, jobs: false, acceptPage: false });
    try {
      assert.equal((await app.inject({ url: '/accept' })).statusCode, 404);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
