// Takes the README's screenshots of the demo in light and dark mode with Debian's headless Chromium.
// Usage: npm run build && node --import tsx scripts/screenshots.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { demoRoutes } from '../demo/routes.ts';
import { buildServer } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { DevMailbox } from '../server/mail/mailer.ts';
import { seedDemoWorkspace } from '../server/seed.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'panta-screenshots-'));
const config = { ...loadConfig({ NODE_ENV: 'development' }), databaseUrl: join(dataDir, 'demo.db') };
const mailbox = new DevMailbox();
const app = await buildServer({ config, mailer: mailbox, jobs: false });
await app.register(demoRoutes, { management: app.management, mailbox });
await seedDemoWorkspace(app.management.deps);
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address();

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  // The desktop page, and a phone's 375 px where the element stacks its rows (the first screenful).
  const shots = [
    ['', { width: 1360, height: 900 }],
    ['-375', { width: 375, height: 812 }],
  ];
  for (const [suffix, viewport] of shots) for (const colorScheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport, colorScheme });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('panta-user-management [part~="row"]').first().waitFor();
    const path = new URL(`../demo/screenshots/demo-${colorScheme}${suffix}.png`, import.meta.url).pathname;
    if (suffix) await page.locator('panta-user-management').evaluate((element) => element.scrollIntoView());
    await page.screenshot({ path });
    console.log(`wrote ${path}`);
    await page.close();
  }
} finally {
  await browser.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
