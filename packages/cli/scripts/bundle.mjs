#!/usr/bin/env node
/**
 * Bundles the `reqsign` command into CommonJS files that bin/reqsign.cjs runs: dist/reqsign.cjs, the dispatcher
 * (arguments, help, version: no scheme code), and one file per command, dist/commands/<command>.cjs, which holds the
 * command with the @reqsign code it uses, as built (dist/, node:crypto builds). A command is over in milliseconds,
 * so its start-up is most of its cost: Node 20 opens, reads and links each ES module of a program in turn (the forty
 * of `reqsign nog sign` cost more than its work), and compiles every byte of a file it loads. So a run reads two
 * small files: the dispatcher, then with require() (an import() would start Node's ES module loader, ~6 ms) the
 * file of the one command it runs, which holds nothing of the other commands or schemes. `reqsign conformance`
 * imports the conformance runner from @reqsign/conformance as installed (an ES module, so import()).
 *
 *   npm run build -w @reqsign/cli        (tsc, then this)
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** What every bundle shares. */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // version() and the conformance command find files relative to their module: each bundle sits where tsc put
  // the module it starts from (dist/, dist/commands/), so its own file name stands in for import.meta.url.
  define: { 'import.meta.url': '__reqsignModuleUrl' },
  banner: { js: "const __reqsignModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Module names in the metafile relative to the package, wherever the build runs from.
  absWorkingDir: root,
  // Minified: a third less for V8 to read at every start. Errors a command reports are its own messages, which
  // minifying leaves as they are.
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** The dispatcher's import('./commands/<command>.js') becomes a require() of that command's own bundle. */
const commandsApart = {
  name: 'reqsign-commands-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[A-Za-z]+\.js$/ }, (args) => ({ path: args.path.replace(/\.js$/, '.cjs'), external: true }));
  },
};

/** The commands, as tsc built them: dist/commands/<command>.js. */
export function commandNames() {
  return readdirSync(join(dist, 'commands'))
    .filter((f) => /^[A-Za-z]+\.js$/.test(f))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * The builds, into `outdir` (a directory laid out as the package's dist/; the start-up test builds them unminified
 * elsewhere, with metafiles, to read what each bundle holds).
 */
export function bundleOptions({ outdir = dist, minify = true, metafile = false } = {}) {
  return [
    {
      ...common,
      minify,
      metafile,
      entryPoints: [join(dist, 'cli.js')],
      outfile: join(outdir, 'reqsign.cjs'),
      plugins: [commandsApart],
      // No import() left in the dispatcher: the commandsApart plugin's ones become require() calls.
      supported: { 'dynamic-import': false },
    },
    ...commandNames().map((name) => ({
      ...common,
      minify,
      metafile,
      entryPoints: [join(dist, 'commands', `${name}.js`)],
      outfile: join(outdir, 'commands', `${name}.cjs`),
      // The conformance runner stays the installed ES module (its vectors and schema are files beside it), loaded
      // with import(), which an ES module needs on Node 20.
      external: ['@reqsign/conformance'],
      supported: { 'dynamic-import': true },
    })),
  ];
}

/** Runs every build; resolves to esbuild's results, in the order of {@link bundleOptions}. */
export function bundle(options) {
  return Promise.all(bundleOptions(options).map((o) => build(o)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await bundle();
