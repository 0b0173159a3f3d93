/**
 * The example host pages, built (`npm run build`) and served from an origin of their own, embed the
 * element over a real API server on another origin, in Debian's Chromium: each drives one action
 * through the element and shows the host hearing its event. Cross-origin embedding works for the
 * origin CORS allows and is refused for any other.
 */
import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';
import { type SeededPerson, type TestServer, invitationTokenFor, seedWorkspace, startTestServer } from '../../server/testing/harness.ts';
import { type SsrHostOptions, ssrHost } from './ssr.ts';

const BUILT_PAGES = resolve(import.meta.dirname, '../../dist/demo');
const AXE = resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
/** The package's element module and the chunks it loads later, as hosts serve them, and a page beside them that needs no build. */
const PUBLISHED_ELEMENT = resolve(import.meta.dirname, '../../dist/element/panta-user-management.js');
const PUBLISHED_CHUNKS = resolve(import.meta.dirname, '../../dist/element/chunks');
const PUBLISHED_PAGE = resolve(import.meta.dirname, 'published');
const HOST_PAGES = ['hosts/plain.html', 'hosts/react.html', 'hosts/vue.html', '.vite/manifest.json'];

interface PageServer {
  app: FastifyInstance;
  origin: string;
}

/** Serves the built pages like any static host would; with `ssr`, also the server-rendered host page. */
async function startPageServer(ssr?: SsrHostOptions): Promise<PageServer> {
  const app = Fastify();
  await app.register(fastifyStatic, { root: BUILT_PAGES });
  await app.register(fastifyStatic, { root: PUBLISHED_PAGE, prefix: '/published/', decorateReply: false });
  app.get('/published/panta-user-management.js', (_request, reply) =>
    reply.type('text/javascript').send(createReadStream(PUBLISHED_ELEMENT)),
  );
  await app.register(fastifyStatic, { root: PUBLISHED_CHUNKS, prefix: '/published/chunks/', decorateReply: false });
  if (ssr) await app.register(ssrHost, ssr);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, origin: `http://127.0.0.1:${address.port}` };
}

/** Auto-waits (no sleeps) until the locator shows the text. */
async function waitForText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

const pendingKpi = (page: Page) => page.locator('[part~="kpi-pending"] [part~="kpi-value"]');

/** One action through the element: Add user → email → Send invitation; the host's banner and the Pending KPI follow. */
async function inviteThroughElement(page: Page, email: string): Promise<void> {
  await waitForText(pendingKpi(page), /^0$/);
  await page.getByRole('button', { name: 'Add user', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await waitForText(page.locator('#host-banner'), `Invited ${email}`);
  await waitForText(pendingKpi(page), /^1$/);
}

describe('host pages embedding <panta-user-management>', () => {
  let api: TestServer;
  let pages: PageServer;
  let otherPages: PageServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: SeededPerson;
  let pageErrors: Error[];
  let workspaces = 0;

  before(async () => {
    const missing = [...HOST_PAGES.map((file) => resolve(BUILT_PAGES, file)), PUBLISHED_ELEMENT].filter((file) => !existsSync(file));
    if (missing.length > 0) {
      throw new Error(`Built files are missing (${missing.join(', ')}): run \`npm run build\` first`);
    }
    // The page server renders the SSR page for whoever the current test signed in. The API starts
    // after it, because its CORS list names the page server's origin; the page reads the API's
    // address per request, so a getter hands it over once it is known.
    pages = await startPageServer({
      root: BUILT_PAGES,
      get apiUrl() {
        return api.apiUrl;
      },
      signedInUser: async () => ({ email: admin.email, token: admin.token }),
    });
    otherPages = await startPageServer();
    api = await startTestServer({ corsOrigins: [pages.origin] });
    // The element compares server dates with the browser's clock.
    api.clock.set(new Date());
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await Promise.all([pages?.app.close(), otherPages?.app.close(), api?.close()]);
  });

  beforeEach(async () => {
    workspaces += 1;
    ({ admin } = await seedWorkspace(api, `Host${workspaces}`, `owner@host${workspaces}.test`));
    context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error));
  });

  afterEach(async () => {
    await context.close();
  });

  const withSession = (origin: string, path: string) =>
    `${origin}/${path}?${new URLSearchParams({ api: api.apiUrl, token: admin.token })}`;

  async function assertInvitedOnServer(email: string) {
    const pending = await admin.client.users.list.query({ tab: 'pending' });
    assert.deepEqual(
      pending.items.map((user) => user.email),
      [email],
    );
  }

  it('the demo page has its one heading of level 1, as axe-core checks it', async () => {
    // Served statically here, without the demo's sign-in routes: the page's own markup is what is checked.
    await page.goto(`${pages.origin}/index.html`);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string }[] }> } }).axe;
      return (await axe.run(document, { runOnly: ['page-has-heading-one', 'heading-order', 'landmark-one-main'] })).violations.map((violation) => violation.id);
    });
    assert.deepEqual(violations, []);
  });

  it('the accept page the server serves: an invitee opens the emailed link in Chromium and completes onboarding', async () => {
    const email = `joiner@host${workspaces}.test`;
    await admin.client.users.invite.mutate({ email, role: 'user' });
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${api.url}/accept#token=${encodeURIComponent(await invitationTokenFor(api, email))}`);
    await page.getByLabel('First name').fill('Jo');
    await page.getByLabel('Last name').fill('Iner');
    await page.getByRole('button', { name: 'Complete onboarding' }).click();
    await page.getByRole('heading', { name: 'Welcome, Jo!' }).waitFor();
    assert.deepEqual(failed, [], 'every file the page loads is served');
    assert.deepEqual(pageErrors, []);
    const active = await admin.client.users.list.query({ tab: 'active', search: email });
    assert.equal(active.items[0]?.onboardedAt !== null && active.items[0]?.email, email);
  });

  it('plain HTML: the token goes in as a property, an invitation shows in the host banner', async () => {
    await page.goto(withSession(pages.origin, 'hosts/plain.html'));
    await inviteThroughElement(page, 'plain.host@example.test');
    await assertInvitedOnServer('plain.host@example.test');
    assert.deepEqual(pageErrors, []);
  });

  it('React 19: api-url as attribute, token as property, onpanta-user-invited updates React state', async () => {
    await page.goto(withSession(pages.origin, 'hosts/react.html'));
    await inviteThroughElement(page, 'react.host@example.test');
    const element = page.locator('panta-user-management');
    assert.equal(await element.getAttribute('api-url'), api.apiUrl);
    assert.equal(await element.getAttribute('token'), null, 'the token is a property, never an attribute');
    await assertInvitedOnServer('react.host@example.test');
    assert.deepEqual(pageErrors, []);
  });

  it('Vue 3: render function with token as property, onPanta-user-invited updates a ref', async () => {
    await page.goto(withSession(pages.origin, 'hosts/vue.html'));
    await inviteThroughElement(page, 'vue.host@example.test');
    const element = page.locator('panta-user-management');
    assert.equal(await element.getAttribute('api-url'), api.apiUrl);
    assert.equal(await element.getAttribute('token'), null, 'the token is a property, never an attribute');
    await assertInvitedOnServer('vue.host@example.test');
    assert.deepEqual(pageErrors, []);
  });

  it('the published module on a page without a build step: rows and a search on its own, the dialog from a chunk beside it', async () => {
    const scripts: { path: string; status: number }[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) scripts.push({ path: new URL(response.url()).pathname, status: response.status() });
    });
    // The chunks are held back until the test lets them go: whatever the page shows before needs none.
    let releaseChunks!: () => void;
    const chunksReleased = new Promise<void>((resolve) => (releaseChunks = resolve));
    await page.route(/\/published\/chunks\//, async (route) => {
      await chunksReleased;
      await route.continue();
    });

    await page.goto(withSession(pages.origin, 'published/'));
    await waitForText(page.locator('[part~="row-self"]'), admin.email);
    await page.getByRole('searchbox').fill('nobody-matches-this');
    await page.locator('[part~="empty"]').waitFor();
    await page.getByRole('searchbox').fill('');
    await waitForText(page.locator('[part~="row-self"]'), admin.email);
    assert.deepEqual(
      scripts.map(({ path }) => path).sort(),
      ['/published/host.js', '/published/panta-user-management.js'],
      'the element drew its rows and searched with nothing but its first module and the page script',
    );

    // Add user before the dialog's chunk is in: it opens once the chunk arrives, the focus in its first field.
    await waitForText(pendingKpi(page), /^0$/);
    await page.getByRole('button', { name: 'Add user', exact: true }).click();
    assert.equal(await page.getByLabel('Email', { exact: true }).count(), 0, 'no dialog before its chunk');
    releaseChunks();
    const email = page.getByLabel('Email', { exact: true });
    await email.waitFor();
    await page.waitForFunction(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.id === 'email';
    });
    await email.fill('published.file@example.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await waitForText(page.locator('#host-banner'), 'Invited published.file@example.test');
    await waitForText(pendingKpi(page), /^1$/);
    await assertInvitedOnServer('published.file@example.test');

    const chunks = scripts.filter(({ path }) => path.startsWith('/published/chunks/'));
    assert.ok(chunks.length > 0, 'the dialog came from the chunks beside the module');
    assert.deepEqual(
      scripts.filter(({ status }) => status !== 200),
      [],
      'every chunk is served where the module looks for it',
    );
    assert.deepEqual(pageErrors, []);
  });

  it('the published module whose chunks cannot be loaded: Add user says the server is unreachable, nothing breaks', async () => {
    await page.route(/\/published\/chunks\//, (route) => route.abort('connectionrefused'));
    await page.goto(withSession(pages.origin, 'published/'));
    await waitForText(page.locator('[part~="row-self"]'), admin.email);
    await page.getByRole('button', { name: 'Add user', exact: true }).click();
    await waitForText(page.locator('[part~="toast-error"]'), 'The server could not be reached');
    assert.equal(await page.getByLabel('Email', { exact: true }).count(), 0, 'no dialog opened');
    assert.deepEqual(pageErrors, []);
  });

  it('server-rendered: Fastify writes the signed-in user and their token into the page, no inline script', async () => {
    const response = await page.goto(`${pages.origin}/hosts/ssr`);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    assert.equal(await page.locator('script:not([src])').count(), 0);
    await waitForText(page.getByText('Signed in as'), admin.email);
    await inviteThroughElement(page, 'ssr.host@example.test');
    await assertInvitedOnServer('ssr.host@example.test');
    assert.deepEqual(pageErrors, []);
  });

  describe('cross-origin embedding (CORS_ORIGINS allows exactly the page server)', () => {
    /** What the API answers a browser on `origin` when it asks to call session.me with a bearer token. */
    async function preflight(origin: string) {
      const response = await fetch(`${api.apiUrl}/session.me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      return response.headers.get('access-control-allow-origin');
    }

    it('the allowed origin gets the CORS header and the element loads its rows', async () => {
      assert.equal(await preflight(pages.origin), pages.origin);
      await page.goto(withSession(pages.origin, 'hosts/plain.html'));
      await page.locator('[part~="row-self"]').waitFor();
      await waitForText(page.locator('[part~="row-self"]'), admin.email);
    });

    it('another origin gets no CORS header: the element shows its error state and no rows', async () => {
      assert.notEqual(otherPages.origin, pages.origin);
      assert.equal(await preflight(otherPages.origin), null);

      // Chromium reports a refused preflight as a failed request; its DevTools protocol says why.
      const failedApiRequests: string[] = [];
      page.on('requestfailed', (request) => {
        if (request.url().startsWith(api.url)) failedApiRequests.push(request.url());
      });
      const corsErrors: string[] = [];
      const devtools = await context.newCDPSession(page);
      devtools.on('Network.loadingFailed', (event) => {
        if (event.corsErrorStatus) corsErrors.push(event.corsErrorStatus.corsError);
      });
      await devtools.send('Network.enable');

      await page.goto(withSession(otherPages.origin, 'hosts/plain.html'));
      await page.locator('[part~="empty"][role="alert"]').waitFor();
      await waitForText(page.locator('#host-banner'), 'User management reports a problem');
      assert.equal(await page.locator('[part~="row"]').count(), 0);
      assert.equal(await page.locator('[part~="kpis"]').count(), 0);
      assert.ok(failedApiRequests.length > 0, 'the browser refused the API call');
      assert.ok(corsErrors.length > 0, 'Chromium names a CORS error');
      assert.ok(
        corsErrors.every((error) => /MissingAllowOriginHeader/.test(error)),
        `the API sent no Access-Control-Allow-Origin for ${otherPages.origin}: ${corsErrors.join(', ')}`,
      );
    });
  });
});
