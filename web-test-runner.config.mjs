// Browser tests of the element in Debian's Chromium, against the real server on a fresh in-memory
// database. Runs under `node --import tsx` (see the test:browser script) so the server's TypeScript loads.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { fixtureCommandsPlugin, startBrowserTestServer } from './server/testing/browser-fixtures.ts';

/** Known in advance so that the API server can allow the test pages' origin; `WTR_PORT` moves it (two runs at once). */
const PORT = Number(process.env.WTR_PORT ?? 8765);

const server = await startBrowserTestServer([`http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`]);

export default {
  files: ['components/**/*.test.ts'],
  nodeResolve: true,
  port: PORT,
  hostname: 'localhost',
  concurrency: 1,
  testFramework: { config: { timeout: 15000 } },
  testsFinishTimeout: 300000,
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      },
    }),
  ],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    {
      ...fixtureCommandsPlugin(() => server),
      async serverStop() {
        await server.close();
      },
    },
  ],
};
