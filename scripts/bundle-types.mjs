// Bundles the typed client's declarations into one file, dist/types/client.d.ts, that names no
// module of ours: the router's type reaches no server module (see shared/router-context.ts), so a
// script that installs the package and @trpc/client type-checks with `skipLibCheck: false`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// dts-bundle-generator ships CommonJS only.
const { generateDtsBundle } = createRequire(import.meta.url)('dts-bundle-generator');

const root = new URL('..', import.meta.url);
const entries = [{ file: 'shared/client.ts', out: 'client.d.ts' }];
const bundles = generateDtsBundle(
  entries.map(({ file }) => ({ filePath: new URL(file, root).pathname, output: { noBanner: true, inlineDeclareGlobals: true } })),
  { preferredConfigPath: new URL('tsconfig.build.json', root).pathname },
);
mkdirSync(new URL('dist/types/', root), { recursive: true });
entries.forEach(({ out }, index) => writeFileSync(new URL(`dist/types/${out}`, root), bundles[index]));
