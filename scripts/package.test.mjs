// Checks what hosts get from the package: the bundle budget, the manifest, what `npm pack` ships,
// and what a front-end app and a server host get when they install the packed tarball.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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

  it('builds the element and the accept page without zod: their forms check with shared/field-rules.ts', () => {
    // zod's objects keep their state under `_zod`, and its module sets `__zod_globalConfig`: names no minifier renames.
    for (const path of readdirSync(ELEMENT_DIR, { recursive: true }).filter((path) => path.endsWith('.js'))) {
      assert.doesNotMatch(readFileSync(new URL(path, ELEMENT_DIR), 'utf8'), /_zod/, `dist/element/${path} carries zod`);
    }
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
      assert.doesNotMatch(file, /(\.test\.|\/testing\/|\/tests\/|\/bench\/|\.map$|^demo\/|^data\/|\.db$|^scripts\/|^\.ci\/)/, `${file} must not be packed`);
    }
  });

  it('ships no comment pointing at a source map it does not ship', () => {
    const dist = new URL('dist/', root);
    for (const path of readdirSync(dist, { recursive: true }).filter((path) => /\.(m?js|d\.ts)$/.test(path))) {
      assert.doesNotMatch(readFileSync(new URL(path, dist), 'utf8'), /sourceMappingURL/, `dist/${path}`);
    }
  });

  it('has no dependencies: what the built code imports is an optional peer, those of the server named by server/peers.ts', () => {
    assert.equal(packageJson.dependencies, undefined, 'the bundled element needs nothing, and each other entry names its peers');
    const importedBy = (folder) => {
      const imported = new Set();
      const lib = new URL(`dist/lib/${folder}`, root);
      for (const path of readdirSync(lib, { recursive: true }).filter((path) => /\.m?js$/.test(path))) {
        const source = readFileSync(new URL(path, lib), 'utf8');
        for (const [, name] of source.matchAll(/(?:from |import\(|require\()'((?:@[\w.-]+\/)?\w[\w.-]*)[^']*'/g)) if (name !== 'node') imported.add(name); // not node:…
      }
      return imported;
    };
    const imported = importedBy('');
    const peers = Object.keys(packageJson.peerDependencies);
    for (const name of peers) {
      assert.equal(packageJson.peerDependenciesMeta[name]?.optional, true, `the peer ${name} is optional`);
      assert.ok(imported.has(name), `the peer ${name} is imported by dist/lib`);
    }
    for (const name of imported) assert.ok(peers.includes(name), `${name}, imported by dist/lib, is a peer`);
    const { SERVER_PEERS } = readServerPeers();
    assert.deepEqual([...SERVER_PEERS].sort(), [...importedBy('server/')].sort(), 'server/peers.ts checks the peers the server imports');
  });

  it('installs the panta-user-management command as a script plain node runs', () => {
    const command = packageJson.bin['panta-user-management'];
    assert.match(readFileSync(new URL(command, root), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const help = execFileSync(process.execPath, [command, '--help'], { cwd: root, encoding: 'utf8' });
    for (const name of ['create-workspace', 'find-workspace', 'backup', 'restore']) assert.match(help, new RegExp(`^  ${name} `, 'm'));
  });
});

/** server/peers.ts's list, read from its compiled module's source (importing it needs no server). */
function readServerPeers() {
  const source = readFileSync(new URL('dist/lib/server/peers.js', root), 'utf8');
  const list = source.match(/SERVER_PEERS = \[([^\]]*)\]/);
  assert.ok(list, 'dist/lib/server/peers.js declares SERVER_PEERS');
  return { SERVER_PEERS: [...list[1].matchAll(/'([^']+)'/g)].map((match) => match[1]) };
}

/** A fresh npm project under `dir` with `specs` installed from the registry (and the tarball), timed. */
function installProject(dir, specs) {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
  const started = performance.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const kilobytes = Number(execFileSync('du', ['-sk', 'node_modules'], { cwd: dir, encoding: 'utf8' }).split('\t')[0]);
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const installed = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
  return { seconds, megabytes: kilobytes / 1024, installed };
}

/**
 * The fixtures run on the Node that runs this test, as npm installs them with it (npm is found on
 * the same PATH): under `npm test` the Node 24 of devDependencies, which better-sqlite3 13 needs.
 */
const run = (dir, args) => spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });

describe('installed from the packed tarball', { timeout: 300_000 }, () => {
  let work;
  let tarball;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'panta-package-'));
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
    tarball = join(work, pack.filename);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('gives a front-end app the element and the client, with no server, native module or install script', (t) => {
    const dir = join(work, 'front-end');
    const { seconds, megabytes, installed } = installProject(dir, [tarball]);
    t.diagnostic(`front-end install: ${megabytes.toFixed(1)} MB of node_modules in ${installed.length} packages, ${seconds} s`);
    assert.ok(megabytes < 5, `the front-end install is ${megabytes.toFixed(1)} MB, over 5 MB`);
    const names = installed.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    for (const peer of Object.keys(packageJson.peerDependencies)) assert.ok(!names.includes(peer), `${peer} is not installed`);
    for (const [path, entry] of installed) assert.ok(!entry.hasInstallScript, `${path} runs no install script`);
    const native = readdirSync(join(dir, 'node_modules'), { recursive: true }).filter((path) => /\.node$|binding\.gyp$/.test(path));
    assert.deepEqual(native, [], 'no native module');

    const server = run(dir, ['--input-type=module', '-e', "await import('panta-user-management/server')"]);
    assert.notEqual(server.status, 0);
    assert.match(server.stderr, /panta-user-management\/server needs .*fastify.*not installed/);
    assert.match(server.stderr, /npm install @fastify\/cors @trpc\/server better-sqlite3 fastify kysely nodemailer pg sheetjs-style zod/);
    const command = run(dir, [join('node_modules', '.bin', 'panta-user-management'), '--help']);
    assert.equal(command.status, 1);
    assert.match(command.stderr, /The panta-user-management command needs .*better-sqlite3/);
  });

  it('gives a server host, with the peers README names, the server entry and the command', (t) => {
    const dir = join(work, 'server');
    const peers = readServerPeers().SERVER_PEERS.map((name) => `${name}@${packageJson.peerDependencies[name]}`);
    const { seconds, megabytes, installed } = installProject(dir, [tarball, ...peers]);
    t.diagnostic(`server install: ${megabytes.toFixed(1)} MB of node_modules in ${installed.length} packages, ${seconds} s`);
    const keys = (specifier) => {
      const result = run(dir, ['--input-type=module', '-e', `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(specifier)})).sort()))`]);
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    const api = keys('panta-user-management/server');
    assert.ok(api.includes('pantaUserManagement') && api.includes('openDatabase'));
    assert.deepEqual(api, keys('./node_modules/panta-user-management/dist/lib/server/index.js'), 'the entry re-exports every value of the server API');
    const help = run(dir, [join('node_modules', '.bin', 'panta-user-management'), '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^  create-workspace /m);
  });
  describe('typed in a strict TypeScript project and in each framework', () => {
    // One project for every fixture (scripts/package-fixtures/): the tarball, what README's install
    // lines add for the client, and each framework with its checker.
    let dir;
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const fixture = (name) => readFileSync(new URL(`scripts/package-fixtures/${name}`, root), 'utf8');
    const bin = (name) => join(dir, 'node_modules', '.bin', name);
    const check = (command, args) => spawnSync(bin(command), args, { cwd: dir, encoding: 'utf8' });
    /** The errors a checker printed, one `file: message` per error, whichever checker's format. */
    const errors = (result) =>
      `${result.stdout}${result.stderr}`
        .split('\n')
        .filter((line) => /error/i.test(line) && /\.(tsx?|vue|svelte)\b/.test(line) && !/^=+|found \d+ error/.test(line));
    const compilerOptions = {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      target: 'ES2022',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'bundler',
      types: [],
    };
    const project = (folder, options, include) =>
      writeFileSync(join(dir, folder, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, include }));

    before(() => {
      dir = join(work, 'typed');
      const { seconds } = installProject(dir, [
        tarball,
        '@trpc/client@11',
        'typescript@5.9',
        '@types/node@20',
        '@types/react@19',
        'vue@3',
        'vue-tsc@3',
        'svelte@5',
        'svelte-check@4',
        'preact@10',
        'solid-js@1',
      ]);
      console.log(`# typed project install: ${seconds} s`);
      cpSync(new URL('scripts/package-fixtures/', root), dir, { recursive: true });
    });

    for (const resolution of ['bundler', 'nodenext']) {
      it(`types the element, the accept page and the client with skipLibCheck false (moduleResolution ${resolution})`, () => {
        const module = resolution === 'nodenext' ? 'nodenext' : 'esnext';
        project('strict', { module, moduleResolution: resolution, types: ['node'] }, ['element.ts', 'client.ts']);
        const good = check('tsc', ['-p', 'strict']);
        assert.equal(good.status, 0, good.stdout);
        project('strict', { module, moduleResolution: resolution, types: ['node'] }, ['wrong.ts']);
        const wrong = check('tsc', ['-p', 'strict']);
        assert.deepEqual(errors(wrong).map((line) => line.replace(/\(\d+,\d+\)/, '')), [
          `strict/wrong.ts: error TS2322: Type '"blue"' is not assignable to type 'PantaTheme'.`,
        ]);
      });
    }

    it('runs the client with @trpc/client beside it', () => {
      const client = run(dir, ['--input-type=module', '-e', "const m = await import('panta-user-management/client'); console.log(typeof m.createPantaClient)"]);
      assert.equal(client.stdout.trim(), 'function', client.stderr);
      assert.ok(readme.includes(fixture('strict/client.ts').trim()), 'README shows the client fixture');
    });

    it('types the element in React 19 JSX (tsc): README\'s snippet compiles, theme="blue" does not', () => {
      project('react', { jsx: 'react-jsx' }, ['users.tsx', 'wrong.tsx']);
      const result = check('tsc', ['-p', 'react']);
      assert.deepEqual(errors(result).map((line) => line.replace(/\(\d+,\d+\)/, '')), [
          `react/wrong.tsx: error TS2322: Type '"blue"' is not assignable to type 'PantaTheme | undefined'.`,
      ]);
      assert.ok(readme.includes(fixture('react/users.tsx').trim()), 'README shows the React fixture');
    });

    for (const [framework, options] of [
      ['preact', { jsx: 'react-jsx', jsxImportSource: 'preact' }],
      ['solid', { jsx: 'preserve', jsxImportSource: 'solid-js' }],
    ]) {
      it(`types the element in ${framework}'s JSX (tsc): README's snippet compiles, theme="blue" does not`, () => {
        project(framework, options, ['users.tsx', 'wrong.tsx']);
        const result = check('tsc', ['-p', framework]);
        assert.deepEqual(errors(result).map((line) => line.replace(/\(\d+,\d+\)/, '')), [
          `${framework}/wrong.tsx: error TS2322: Type '"blue"' is not assignable to type 'PantaTheme | undefined'.`,
        ]);
        assert.ok(readme.includes(fixture(`${framework}/users.tsx`).trim()), `README shows the ${framework} fixture`);
      });
    }

    it('types the element in Vue 3 templates (vue-tsc): README\'s snippet compiles, :token="123" does not', () => {
      project('vue', {}, ['*.vue']);
      const result = check('vue-tsc', ['-p', 'vue']);
      assert.deepEqual(errors(result).map((line) => line.replace(/\(\d+,\d+\)/, '')), [
        `vue/Wrong.vue: error TS2322: Type 'number' is not assignable to type 'string'.`,
      ]);
      assert.ok(readme.includes(fixture('vue/Users.vue').trim()), 'README shows the Vue fixture');
    });

    it('types the element in Svelte 5 templates (svelte-check): README\'s snippet compiles, theme="blue" does not', () => {
      project('svelte', { verbatimModuleSyntax: true }, ['*.svelte']);
      const result = check('svelte-check', ['--tsconfig', 'svelte/tsconfig.json', '--output', 'machine']);
      const found = result.stdout.split('\n').filter((line) => / ERROR /.test(line));
      assert.equal(found.length, 1, result.stdout);
      // The machine output escapes the message's quotes.
      assert.match(found[0], /Wrong\.svelte.*Type '\\"blue\\"' is not assignable to type 'PantaTheme \| undefined'/);
      assert.ok(readme.includes(fixture('svelte/Users.svelte').trim()), 'README shows the Svelte fixture');
    });
  });
});
