// Prints the gzip size of the element's build beside its budgets: the module a page loads first, and
// that module with every chunk it may load later. Run after `vite build --mode element`.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseAst } from 'vite';

export const ELEMENT_DIR = new URL('../dist/element/', import.meta.url);
export const ELEMENT_BUNDLE = new URL('panta-user-management.js', ELEMENT_DIR);
/** The first module: Lit, the tRPC client, the form schemas, everything but the views opened later. */
export const BUDGET_GZIP_BYTES = 30 * 1024;
/** The first module and the lazily loaded chunks (the dialogs) together. */
export const TOTAL_BUDGET_GZIP_BYTES = 45 * 1024;

function measure(file) {
  const source = readFileSync(file);
  return { raw: source.length, gzip: gzipSync(source, { level: 9 }).length };
}

/** The accept page's element: a module of its own for its own page, never loaded by the admin element. */
export const ACCEPT_BUNDLE = new URL('panta-accept-invitation.js', ELEMENT_DIR);

/** The admin element's files, their paths relative to dist/element: the first module and its chunks. */
export function elementFiles() {
  const chunks = readdirSync(new URL('chunks/', ELEMENT_DIR), { recursive: true })
    .filter((path) => path.endsWith('.js'))
    .map((path) => `chunks/${path}`);
  return ['panta-user-management.js', ...chunks].sort();
}

export function elementBundleSize() {
  const first = measure(ELEMENT_BUNDLE);
  const files = elementFiles().map((path) => ({ path, ...measure(new URL(path, ELEMENT_DIR)) }));
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  return { ...first, files, total: { raw: sum('raw'), gzip: sum('gzip') } };
}

/** What a module imports: `static` (loaded before it runs) and `dynamic` (`import()` of a constant specifier). */
export function moduleImports(file) {
  const imports = { static: [], dynamic: [] };
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (/^(Import|ExportNamed|ExportAll)Declaration$/.test(node.type) && node.source) imports.static.push(node.source.value);
    if (node.type === 'ImportExpression') {
      const { source } = node;
      if (source.type === 'Literal') imports.dynamic.push(source.value);
      // The minifier writes a specifier as a template literal.
      else if (source.type === 'TemplateLiteral' && source.expressions.length === 0) imports.dynamic.push(source.quasis[0].value.cooked);
    }
    for (const key in node) if (key !== 'type') visit(node[key]);
  };
  visit(parseAst(readFileSync(file, 'utf8')));
  return imports;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { raw, gzip, total } = elementBundleSize();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = (bytes, budget) => `budget ${kb(budget)} gzip: ${bytes <= budget ? 'within budget' : 'OVER BUDGET'}`;
  console.log(`panta-user-management.js (loaded first): ${kb(raw)}, ${kb(gzip)} gzip; ${verdict(gzip, BUDGET_GZIP_BYTES)}`);
  console.log(`with its lazy chunks (all together): ${kb(total.raw)}, ${kb(total.gzip)} gzip; ${verdict(total.gzip, TOTAL_BUDGET_GZIP_BYTES)}`);
  const accept = measure(ACCEPT_BUNDLE);
  console.log(`panta-accept-invitation.js (the accept page's own module): ${kb(accept.raw)}, ${kb(accept.gzip)} gzip`);
}
