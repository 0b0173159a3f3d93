import { resolve } from 'node:path';
import { type Plugin, defineConfig } from 'vite';

const here = import.meta.dirname;

/**
 * Collapses the indentation inside the element's `html` and `css` tagged templates, which the
 * minifier must leave alone (to it they are string contents). In markup, a whitespace run with a
 * line break goes between two tags (or a tag and the template's edge) and becomes one space
 * elsewhere, so attributes stay apart and text keeps its word breaks; in styles, comments go and
 * spaces around punctuation. No sourcemap: the positions move.
 */
/**
 * @trpc/client and @trpc/server each inline the same down-levelled helpers for object spread
 * (`_objectSpread2` and `_defineProperty`, with `_typeof`, `toPrimitive`, `toPropertyKey`, `ownKeys`),
 * about 1.2 KB a copy. This puts a native equivalent of the two in their place: spread sources at odd
 * positions copy their own enumerable keys by value, the others their property descriptors, as before.
 */
function nativeSpreadHelpers(): Plugin {
  const helpers = /\/\/#region \\0@oxc-project\+runtime@[^/]+\/helpers\/esm\/(?:typeof|toPrimitive|toPropertyKey|defineProperty|objectSpread2)\.js\n[\s\S]*?\/\/#endregion\n/g;
  const native = `
function _defineProperty(e, r, t) {
  return Object.defineProperty(e, r, { value: t, enumerable: true, configurable: true, writable: true });
}
function _objectSpread2(e, ...sources) {
  sources.forEach((t = {}, i) => {
    if (i % 2) Object.defineProperties(e, Object.getOwnPropertyDescriptors(t ?? {}));
    else for (const r of Reflect.ownKeys(Object(t))) if (Object.prototype.propertyIsEnumerable.call(t, r)) _defineProperty(e, r, t[r]);
  });
  return e;
}
`;
  return {
    name: 'native-spread-helpers',
    transform(code, id) {
      if (!id.includes('/node_modules/@trpc/') || !code.includes('helpers/esm/objectSpread2.js')) return;
      let inserted = false;
      const out = code.replace(helpers, () => (inserted ? '' : ((inserted = true), native)));
      if (/(?<![\w$.])(?:_typeof|toPrimitive|toPropertyKey|ownKeys)\(/.test(out)) throw new Error(`native-spread-helpers: ${id} still calls a removed helper`);
      return { code: out, map: null };
    },
  };
}

function minifyTemplates(here: string): Plugin {
  type Node = { type?: string; start: number; end: number; [key: string]: unknown };
  const collapse = {
    /** `first`/`last`: the quasi opens or closes the template (rather than meeting an expression). */
    html: (text: string, first: boolean, last: boolean) =>
      text.replace(/\s*\n\s*/g, (run, offset: number) => {
        const before = text[offset - 1] ?? (first ? '>' : '');
        const after = text[offset + run.length] ?? (last ? '<' : '');
        return before === '>' && after === '<' ? '' : ' ';
      }),
    css: (text: string) =>
      text
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/ ?([{};,]) ?/g, '$1')
        .replace(/: /g, ':')
        .replace(/;}/g, '}'),
  };
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!id.startsWith(`${here}/components/`) || !id.endsWith('.ts') || !/\b(html|css)`/.test(code)) return;
      const edits: { start: number; end: number; text: string }[] = [];
      const visit = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach(visit);
        const n = node as Node;
        const tag = n.type === 'TaggedTemplateExpression' ? (n.tag as Node & { name?: string }).name : undefined;
        if (tag === 'html' || tag === 'css') {
          const quasis = (n.quasi as { quasis: (Node & { value: { raw: string } })[] }).quasis;
          quasis.forEach((quasi, index) => {
            const raw = quasi.value.raw;
            // oxc's span of a quasi includes its delimiters (`, }, ${); ESTree's would not.
            const from = code.startsWith(raw, quasi.start) ? quasi.start : quasi.start + 1;
            if (!code.startsWith(raw, from)) throw new Error(`minify-templates: unexpected template offsets in ${id}`);
            const text = tag === 'html' ? collapse.html(raw, index === 0, index === quasis.length - 1) : collapse.css(raw);
            if (text !== raw) edits.push({ start: from, end: from + raw.length, text });
          });
        }
        for (const key in n) if (key !== 'type') visit(n[key]);
      };
      visit(this.parse(code, { lang: 'ts' }));
      let out = code;
      for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
      return { code: out, map: null };
    },
  };
}

/**
 * `--mode accept`: <panta-accept-invitation>, the page invitation links open, as one ES module of
 * its own beside the element (dist/element/panta-accept-invitation.js): the invitee never loads the
 * admin element, and the element's modules never carry the accept page.
 */
const acceptElementBuild = {
  plugins: [minifyTemplates(here)],
  build: {
    outDir: resolve(here, 'dist/element'),
    // Built after the element, into the same folder.
    emptyOutDir: false,
    target: 'es2022',
    rollupOptions: {
      output: { minify: true, comments: { legal: true, annotation: false, jsdoc: false } },
      // The page serves this one file (pantaAcceptPage): it must import nothing. The API client's
      // live-feed module, which the page never opens, shares code with it; allowed to export more,
      // the module keeps that code and the unused feed chunk imports it back, rather than both
      // importing a common chunk the page would not find.
      preserveEntrySignatures: 'allow-extension' as const,
    },
    lib: {
      entry: resolve(here, 'components/accept-invitation/index.ts'),
      formats: ['es' as const],
      fileName: () => 'panta-accept-invitation.js',
    },
  },
};

/**
 * Two builds (and the accept page's above):
 * - default: the demo host pages (and the element inside them) into dist/demo, which `npm start` serves;
 * - `--mode element`: the element as one ES module with Lit and the tRPC client bundled, dist/element,
 *   which is what hosts load with a single script tag; the dialogs, views opened later, are chunks
 *   it imports on demand from dist/element/chunks, relative to itself.
 */
export default defineConfig(({ mode }) =>
  mode === 'accept'
    ? acceptElementBuild
    : mode === 'element'
    ? {
        plugins: [minifyTemplates(here), nativeSpreadHelpers()],
        build: {
          outDir: resolve(here, 'dist/element'),
          emptyOutDir: true,
          target: 'es2022',
          // Lib builds keep whitespace in ES output by default; hosts load this file as it is.
          rollupOptions: {
            // Tree-shaking hints are spent once the bundle is built; licence comments stay.
            output: {
              minify: true,
              comments: { legal: true, annotation: false, jsdoc: false },
              chunkFileNames: 'chunks/[name]-[hash].js',
            },
            // @trpc/client declares no `sideEffects`, so everything its index imports (wsLink, loggerLink,
            // the batch links) would stay; its modules only define things.
            // The first module must load nothing before it runs. By default, what it shares with the
            // dialogs becomes a common chunk that it imports; allowed to export more than the element's
            // API, it keeps that code and the dialog chunks import it back from it.
            preserveEntrySignatures: 'allow-extension',
            treeshake: { moduleSideEffects: (id: string) => !/node_modules\/@trpc\//.test(id) },
          },
          lib: {
            entry: resolve(here, 'components/index.ts'),
            formats: ['es'],
            fileName: () => 'panta-user-management.js',
          },
        },
      }
    : {
        root: resolve(here, 'demo'),
        // Vue's runtime build reads these compile-time flags; the Vue host uses setup() and render functions only.
        define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
        build: {
          outDir: resolve(here, 'dist/demo'),
          emptyOutDir: true,
          // Pages keep their paths (dist/demo/hosts/plain.html is served at /hosts/plain.html) and load
          // assets from /assets/. The server-rendered host finds its script's hashed name in the manifest.
          manifest: true,
          rollupOptions: {
            input: {
              index: resolve(here, 'demo/index.html'),
              'hosts-plain': resolve(here, 'demo/hosts/plain.html'),
              'hosts-react': resolve(here, 'demo/hosts/react.html'),
              'hosts-vue': resolve(here, 'demo/hosts/vue.html'),
              'hosts-ssr': resolve(here, 'demo/hosts/ssr-client.ts'),
            },
          },
        },
      },
);
