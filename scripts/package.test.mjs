// Checks what hosts get from the package: the bundle budget, the manifest, and what `npm pack` ships.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  BUDGET_GZIP_BYTES,
  ELEMENT_BUNDLE,
  ELEMENT_DIR,
  TOTAL_BUDGET_GZIP_BYTES,
  elementBundleSize,
  elementFiles,
  moduleImports,
} from './size-report.mjs';

const root = new URL('..', import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

describe('the npm package', () => {
  it('keeps the module a page loads first within its gzip budget', () => {
    const { gzip } = elementBundleSize();
    assert.ok(gzip <= BUDGET_GZIP_BYTES, `the element's first module is ${gzip} bytes gzip, over the budget of ${BUDGET_GZIP_BYTES}`);
  });

  it('keeps the first module and its lazy chunks together within their gzip budget', () => {
    const { total, files } = elementBundleSize();
    assert.ok(files.length > 1, 'the dialogs are chunks of their own');
    assert.ok(total.gzip <= TOTAL_BUDGET_GZIP_BYTES, `the element and its chunks are ${total.gzip} bytes gzip, over the budget of ${TOTAL_BUDGET_GZIP_BYTES}`);
  });

  it('loads nothing before its first module runs; the chunks it loads later lie beside it', () => {
    const first = moduleImports(ELEMENT_BUNDLE);
    assert.deepEqual(first.static, [], 'the first module imports no other module');
    assert.ok(first.dynamic.length >= 2, 'the dialogs load on demand');
    // Every module a chunk names (the first module included, which the chunks import back) is a built file.
    const built = new Set(elementFiles());
    const seen = new Set();
    const follow = (url) => {
      const path = url.href.slice(ELEMENT_DIR.href.length);
      assert.ok(built.has(path), `${path} is built beside the element`);
      if (seen.has(path)) return;
      seen.add(path);
      const { static: loaded, dynamic } = moduleImports(url);
      for (const specifier of [...loaded, ...dynamic]) {
        assert.match(specifier, /^\.\.?\//, `${path} imports ${specifier} by a relative path`);
        follow(new URL(specifier, url));
      }
    };
    follow(ELEMENT_BUNDLE);
    assert.deepEqual([...seen].sort(), [...built], 'every built file is reachable from the first module');
  });

  it('has a custom elements manifest that describes the element', () => {
    assert.equal(packageJson.customElements, 'custom-elements.json');
    const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));
    const declarations = manifest.modules.flatMap((module) => module.declarations ?? []);
    const element = declarations.find((declaration) => declaration.tagName === 'panta-user-management');
    assert.ok(element, 'panta-user-management is declared');
    const attributes = element.attributes.map((attribute) => attribute.name);
    for (const name of ['api-url', 'lang', 'theme']) assert.ok(attributes.includes(name), `attribute ${name}`);
    const events = element.events.map((event) => event.name);
    for (const name of ['panta-ready', 'panta-user-invited', 'panta-request-delete', 'panta-unauthorized']) {
      assert.ok(events.includes(name), `event ${name}`);
    }
    assert.ok(element.cssParts.length > 10, 'parts are documented');
    assert.ok(element.cssProperties?.length > 5, 'custom properties are documented');
  });

  it('ships every file the exports map names, and no tests or demo data', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
    const files = new Set(pack.files.map((file) => file.path));
    const targets = [
      ...Object.values(packageJson.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry))),
      ...Object.values(packageJson.bin),
    ];
    for (const target of targets) {
      const path = target.replace(/^\.\//, '');
      assert.ok(files.has(path), `${path} is packed`);
      assert.ok(existsSync(new URL(path, root)), `${path} exists`);
    }
    for (const path of elementFiles()) assert.ok(files.has(`dist/element/${path}`), `dist/element/${path} is packed`);
    // Not an export, but the server forks it by path to parse uploaded spreadsheets.
    assert.ok(files.has('dist/lib/server/imports/parse-sheet.mjs'), 'the spreadsheet parser child is packed');
    for (const file of files) {
      assert.doesNotMatch(file, /(\.test\.|\/testing\/|\/tests\/|^demo\/|^data\/|\.db$|^scripts\/|^\.ci\/)/, `${file} must not be packed`);
    }
  });

  it('installs the panta-user-management command as a script plain node runs', () => {
    const command = packageJson.bin['panta-user-management'];
    assert.match(readFileSync(new URL(command, root), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const help = execFileSync(process.execPath, [command, '--help'], { cwd: root, encoding: 'utf8' });
    for (const name of ['create-workspace', 'find-workspace', 'backup', 'restore']) assert.match(help, new RegExp(`^  ${name} `, 'm'));
  });
});
