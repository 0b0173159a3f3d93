// Bundles the published declarations into one file per entry in dist/types/, each naming no module
// of ours, so a strict consumer (`skipLibCheck: false`) type-checks with only what that entry's
// README install names: the element's and the accept page's (types/) need no other package; the
// client's needs @trpc/client, and its router type reaches no server module (shared/router-context.ts).
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// dts-bundle-generator ships CommonJS only.
const { generateDtsBundle } = createRequire(import.meta.url)('dts-bundle-generator');

const root = new URL('..', import.meta.url);
const config = new URL('tsconfig.types.json', root).pathname;
// One program per entry: each bundle carries the `declare global` blocks (tags, events) of its own files only.
const entries = [
  { file: 'types/element.ts', out: 'element.d.ts', globals: true },
  { file: 'types/accept.ts', out: 'accept.d.ts', globals: true },
  { file: 'shared/client.ts', out: 'client.d.ts', globals: false },
];
rmSync(new URL('dist/types/', root), { recursive: true, force: true });
mkdirSync(new URL('dist/types/', root), { recursive: true });
for (const { file, out, globals } of entries) {
  const [bundle] = generateDtsBundle(
    [{ filePath: new URL(file, root).pathname, output: { noBanner: true, inlineDeclareGlobals: globals } }],
    { preferredConfigPath: config },
  );
  writeFileSync(new URL(`dist/types/${out}`, root), bundle);
}

// The framework entries: each puts the typings that `cem analyze` generates (custom-elements-manifest.config.mjs)
// into its framework's JSX.
for (const file of readdirSync(new URL('types/', root)).filter((name) => name.endsWith('.d.ts'))) {
  copyFileSync(new URL(`types/${file}`, root), new URL(`dist/types/${file}`, root));
}
