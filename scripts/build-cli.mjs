#!/usr/bin/env node
// Bundles the command line (src/cli/main.ts and everything it imports, at once or
// lazily) into one file, dist/cli.bundle.js; bin/mailcheck.js loads it, after
// the early round (src/cli/early-round.ts), bundled alone into dist/cli.early.js
// (see the end of this file). Runs
// after tsc in `npm run build`: tsc's per-module output (dist/index.js, its
// types, the modules tests and the library import) stays as it is.
//
// Why one file: loading ~100 small modules cost a one-domain audit about a
// third of its CPU (file opens, URL resolution, one compile per file), and
// chunks split at every dynamic import still made an audit open about 50
// files and stat each import of them.
//
// Lazy loading: every `await import('./x.js')` in src still runs x's module
// code only when that import runs (esbuild wraps such modules in an init
// function inside the one file). A new subcommand registered in
// src/cli/program.ts with
//   .action(async (...) => (await import('../commands/<name>.js')).run(...))
// is loaded on use with no change here.
//
// In one file, every static import of something not bundled (a package from
// node_modules, a Node module) would be hoisted to the top and loaded by every
// run. So a static import of a package, or of a Node module outside
// EAGER_NODE_MODULES, is served by a small module that imports it when the
// module that imports it is first evaluated (see `lazyExternal`; every
// `import()` of something not bundled goes through one too), and one of a Node
// module in EAGER_NODE_MODULES by one that takes it with require() (see
// `builtinByRequire`); the build fails if anything else is imported eagerly.
//
// The CLI bundle ends up as a script, not a module (see `wrapAsScript`): it
// imports through a function the loader passes in, and its
// `import.meta.url` is the bundle's URL, also passed in. It sits directly in
// dist/, as deep as tsc's output, so `new URL('../package.json',
// import.meta.url)` still finds the package root.
// No source maps: the sources do not ship.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** Packages bundled into the CLI: the ones every run loads. */
const BUNDLED = new Set(['commander', 'chalk', 'zod']);
/**
 * Node modules an audit loads anyway, imported as usual (at start-up). Any
 * other Node module (node:tls, node:https, node:zlib, node:readline …) is
 * loaded when the code that imports it first runs: loading node:tls alone
 * reads and parses NODE_EXTRA_CA_CERTS on Node 22 and 24.
 */
const EAGER_NODE_MODULES = new Set([
  'node:async_hooks', 'node:child_process', 'node:crypto', 'node:dgram', 'node:dns', 'node:events', 'node:fs', 'node:module',
  'node:net', 'node:os', 'node:path', 'node:process', 'node:tty', 'node:url',
]);
const LAZY = 'lazy-external';
const ENTRY = 'cli-entry';
// The CLI bundle is a script run as a function (see wrapAsScript): what it
// receives, under names no bundled module uses.
const BUNDLE_URL = '__mailcheckBundleUrl';
const IMPORT_MODULE = '__mailcheckImport';
const EXPORTED = '__mailcheckExported';
const BUILTIN = 'builtin-by-require';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');

/** Earlier bundles (their chunk names change with their content) and stray source maps. */
function removeStale(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) removeStale(file);
    else if (entry.name.endsWith('.map') || (dir === DIST && entry.name.startsWith('cli.bundle'))) rmSync(file);
  }
}

/**
 * The module that stands for a static `import … from '<specifier>'` (or an
 * `import()`) of something not bundled: it imports it, through the loader's
 * function (wrapAsScript), when first evaluated, which esbuild
 * defers to the first run of the code that imports it (top-level await in a
 * lazily evaluated module), and gives its exports under the same names.
 */
async function lazyExternal(specifier) {
  const names = Object.keys(await import(specifier)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
  return [
    `const loaded = await ${IMPORT_MODULE}(${JSON.stringify(specifier)});`,
    'export default loaded.default;',
    ...(names.length > 0 ? [`export const { ${names.join(', ')} } = loaded;`] : []),
  ].join('\n');
}

/**
 * The module that stands for a static import of a Node module of
 * EAGER_NODE_MODULES: takes it with require() (the banner's) and exports the
 * names the bundle imports from it (`names`, from `importedBuiltinNames`),
 * each read once, when the module is evaluated.
 *
 * Why not `import … from 'node:fs'`: for a Node module, the ESM loader builds a
 * facade that reads every export once, getters included, and the getters load
 * more of Node: `fs.ReadStream` loads the stream modules, `process.stdout`
 * opens the stream. That cost one audit about 5 ms of CPU before its first
 * question. Why only the names imported: which exports are getters changes
 * between Node versions (on Node 24 `fs.F_OK` is one, and reading it prints a
 * deprecation warning), so no list made on the building Node would do.
 */
function builtinByRequire(specifier, names) {
  return [
    `const loaded = require(${JSON.stringify(specifier)});`,
    'export default loaded;',
    ...(names.size > 0 ? [`export const { ${[...names].join(', ')} } = loaded;`] : []),
  ].join('\n');
}

/**
 * The names a bundle imports from each Node module of EAGER_NODE_MODULES:
 * built first with those modules left as ESM imports, which esbuild hoists
 * to the top of its output as `import{a as b,c}from"node:x"` and
 * `import d from"node:x"`. A namespace import would need every name: the
 * build refuses it.
 */
async function importedBuiltinNames(options, plugins) {
  const probe = await build({ ...options, plugins, write: false, metafile: false, minifyIdentifiers: false });
  const text = probe.outputFiles.map((file) => file.text).join('\n');
  const names = new Map([...EAGER_NODE_MODULES].map((specifier) => [specifier, new Set()]));
  const namespace = /import\s*\*\s*as\s*[\w$]+\s*from\s*["'](node:[\w/]+)["']/.exec(text);
  if (namespace) throw new Error(`the bundle imports all of ${namespace[1]} (import * as): import the names it uses`);
  for (const [, list, specifier] of text.matchAll(/import\s*(?:[\w$]+\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*["'](node:[\w/]+)["']/g)) {
    if (!list || !names.has(specifier)) continue;
    for (const item of list.split(',')) {
      const name = item.trim().split(/\s+as\s+/)[0];
      if (name) names.get(specifier).add(name);
    }
  }
  return names;
}

/** What both bundles are built with (one file each, no source maps: the sources do not ship). */
const BUNDLE_OPTIONS = {
  outdir: DIST,
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  metafile: true,
  // Node's modules through require() (see builtinByRequire), and bundled
  // CommonJS dependencies call require() for Node's modules too.
  banner: { js: "import { createRequire as __mailcheckRequire } from 'node:module'; const require = __mailcheckRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * Builds a bundle whose static imports of EAGER_NODE_MODULES go through
 * builtinByRequire: first a probe with `pluginFor(undefined)` (those imports
 * left as they are) to read the names imported, then the bundle with
 * `pluginFor(names)`.
 */
async function bundleNodeModulesByRequire(options, pluginFor) {
  const names = await importedBuiltinNames(options, [pluginFor(undefined)]);
  return build({ ...options, plugins: [pluginFor(names)] });
}

/** Resolves a static import of a Node module of EAGER_NODE_MODULES: through builtinByRequire once the names are known. */
function eagerNodeModule(args, names) {
  if (args.kind !== 'import-statement' || !EAGER_NODE_MODULES.has(args.path)) return undefined;
  return names ? { path: args.path, namespace: BUILTIN } : { path: args.path, external: true };
}

/**
 * Fails the build if a bundle holds a character outside ASCII. The loader
 * reads the CLI bundle as latin1 (src/cli/bundle-loader.ts), exact for ASCII
 * only, and one such character would make V8 hold the whole file as a
 * two-byte string. esbuild escapes strings, templates and names, but leaves
 * regular expression literals as written: write \uXXXX there.
 */
function assertAscii(file) {
  const text = readFileSync(file, 'utf8');
  const at = text.search(/[^\x00-\x7f]/);
  if (at >= 0) {
    throw new Error(`${path.relative(ROOT, file)} holds a character outside ASCII (${JSON.stringify(text.slice(Math.max(0, at - 40), at + 20))}): write it as \\uXXXX in the source`);
  }
}

/**
 * Makes the CLI bundle a script: one function expression, which
 * src/cli/bundle-loader.ts compiles with node:vm and calls with `require`, the
 * bundle's URL (for `import.meta.url`), a function that imports a module (a
 * script has no `import()`) and an object to put `main` on. Through node:vm,
 * the loader keeps a code cache made after a run, which holds every function
 * the run compiled (see there). The first line names the SHA-256 of the
 * rest: the cache's key, since V8 checks only a cached script's length.
 *
 * Fails the build if the bundle would not run as a script: an `import()` left
 * in it (one not routed through lazyExternal), or, found by compiling it, an
 * import or export declaration, `import.meta`, or a top-level await.
 */
function wrapAsScript(file) {
  const body = readFileSync(file, 'utf8');
  const dynamicImport = /(?:^|[^\w$.])import\s*\(.{0,60}/.exec(body);
  if (dynamicImport) throw new Error(`${path.relative(ROOT, file)} holds an import() (${JSON.stringify(dynamicImport[0])}): a script cannot run it`);
  const script = `(function (require, ${BUNDLE_URL}, ${IMPORT_MODULE}, ${EXPORTED}) {\n'use strict';\n${body}})`;
  new vm.Script(script, { filename: file });
  writeFileSync(file, `// mailcheck CLI bundle ${createHash('sha256').update(script).digest('hex')}\n${script}`);
}

removeStale(DIST);
const result = await bundleNodeModulesByRequire(
  {
    ...BUNDLE_OPTIONS,
    // A script, not a module (wrapAsScript): no banner (require() comes in as
    // an argument), and import.meta.url is the bundle's URL, passed in too.
    banner: {},
    define: { 'import.meta.url': BUNDLE_URL },
    entryPoints: { 'cli.bundle': ENTRY },
  },
  // The dependencies every run loads are bundled too (zod alone is about 100
  // files, most of them never used here); their licence texts go to
  // dist/cli.bundle.licenses.txt. Every other package stays in node_modules,
  // loaded by Node as usual when the code that needs it runs: bundling
  // CommonJS packages that find their own files through __dirname would break
  // them.
  (names) => ({
    name: 'bundle-only-startup-dependencies',
    setup(builder) {
      // The entry: src/cli/main.ts's `main`, handed to the loader.
      builder.onResolve({ filter: new RegExp(`^${ENTRY}$`) }, (args) => (args.kind === 'entry-point' ? { path: ENTRY, namespace: ENTRY } : undefined));
      builder.onLoad({ filter: /.*/, namespace: ENTRY }, () => ({
        contents: `import { main } from ${JSON.stringify(path.join(ROOT, 'src', 'cli', 'main.ts'))};\n${EXPORTED}.main = main;\n`,
        resolveDir: ROOT,
        loader: 'js',
      }));
      builder.onResolve({ filter: /^[^./#]/ }, (args) => {
        if (args.namespace === LAZY || args.namespace === BUILTIN) return { path: args.path, external: true };
        const eager = eagerNodeModule(args, names);
        if (eager) return eager;
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        if (BUNDLED.has(name)) return undefined;
        // A static import outside EAGER_NODE_MODULES, and every import(), goes through lazyExternal.
        const lazy = (args.kind === 'import-statement' && !EAGER_NODE_MODULES.has(args.path)) || args.kind === 'dynamic-import';
        return lazy ? { path: args.path, namespace: LAZY } : { path: args.path, external: true };
      });
      builder.onLoad({ filter: /.*/, namespace: LAZY }, async (args) => ({ contents: await lazyExternal(args.path), loader: 'js' }));
      builder.onLoad({ filter: /.*/, namespace: BUILTIN }, (args) => ({ contents: builtinByRequire(args.path, names.get(args.path)), loader: 'js' }));
      // `import { z } from 'zod'` makes esbuild keep all of zod (its locales
      // among them: four times the size, loaded by every audit); the
      // namespace import `import * as z from 'zod'` is the same API and keeps
      // only what is used. Sources may write either.
      builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        return { contents: text.replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';"), loader: 'ts' };
      });
    },
  }),
);

// A backstop for the rewrite above: all of zod must not come back into the
// bundle by another way of importing it.
const zodLocales = Object.values(result.metafile.outputs)
  .flatMap((output) => Object.entries(output.inputs))
  .filter(([input, { bytesInOutput }]) => bytesInOutput > 0 && /node_modules\/zod\/.*\/locales\/(?!en\.|index\.)/.test(input));
if (zodLocales.length > 0) {
  throw new Error(`the CLI bundle holds all of zod (${zodLocales.length} locale files besides English): import it as \`import * as z from 'zod'\``);
}

assertAscii(path.join(DIST, 'cli.bundle.js'));
wrapAsScript(path.join(DIST, 'cli.bundle.js'));

// What every run loads besides the bundle: only the Node modules meant to be
// eager; everything else is imported where it is used (lazyExternal).
const bundle = result.metafile.outputs[path.relative(ROOT, path.join(DIST, 'cli.bundle.js'))];
const eager = bundle.imports.filter((entry) => entry.kind === 'import-statement' && !EAGER_NODE_MODULES.has(entry.path));
if (eager.length > 0) {
  throw new Error(`the CLI bundle loads ${eager.map((entry) => entry.path).join(', ')} at start-up: import it where it is used, or add it to EAGER_NODE_MODULES`);
}

/** The licence of every package the bundle holds, as their MIT/ISC terms ask for copies. */
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = path.join(ROOT, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
  const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${pkg.license}`;
  return `${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
writeFileSync(
  path.join(DIST, 'cli.bundle.licenses.txt'),
  `dist/cli.bundle.js contains the following packages.\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
);

// The early round (src/cli/early-round.ts): bin/mailcheck.js runs it before
// it loads the CLI, so it is a bundle of its own, and a small one: no
// package, and none of the modules the code it holds would load on use (the
// reporters behind src/report/formats.ts), which it never runs. The modules
// it shares with the CLI bundle are in both, and the two exchange only plain
// data (the replies), never an object whose class one of them made.
const EARLY_LIMIT_BYTES = 64 * 1024;
const NOT_EARLY = 'not-in-the-early-round';
const early = await bundleNodeModulesByRequire(
  {
    ...BUNDLE_OPTIONS,
    entryPoints: { 'cli.early': path.join(ROOT, 'src', 'cli', 'early-round.ts') },
  },
  (names) => ({
    name: 'early-round-only',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === BUILTIN) return { path: args.path, external: true };
        if (args.kind === 'dynamic-import') return { path: args.path, namespace: NOT_EARLY };
        if (/^[./]/.test(args.path)) return undefined;
        const eager = eagerNodeModule(args, names);
        if (eager) return eager;
        throw new Error(`the early round imports ${args.path} (from ${args.importer}): it must load no package and only Node modules of EAGER_NODE_MODULES`);
      });
      builder.onLoad({ filter: /.*/, namespace: BUILTIN }, (args) => ({ contents: builtinByRequire(args.path, names.get(args.path)), loader: 'js' }));
      builder.onLoad({ filter: /.*/, namespace: NOT_EARLY }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the early round`)});`,
        loader: 'js',
      }));
    },
  }),
);
assertAscii(path.join(DIST, 'cli.early.js'));
const earlyBytes = Object.values(early.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
if (earlyBytes > EARLY_LIMIT_BYTES) {
  throw new Error(`dist/cli.early.js is ${earlyBytes} bytes (limit ${EARLY_LIMIT_BYTES}): it runs before anything else, keep it to what the early round needs`);
}
