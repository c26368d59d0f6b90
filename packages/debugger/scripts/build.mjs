#!/usr/bin/env node
/**
 * Builds the debugger page: src/main.ts bundled by esbuild for browsers (the WebCrypto builds of @reqsign/nog and
 * @reqsign/nops, as their `default` export condition gives them), inlined with src/style.css into one file,
 * dist/index.html, under a Content-Security-Policy that allows exactly that script and style and no request at all
 * (default-src 'none'). It opens from file:// as well as from any static server. dist/bundle.json lists the inputs.
 *
 *   npm run build -w @reqsign/debugger
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  write: false,
  metafile: true,
  logLevel: 'warning',
});
// A classic script, not a module: Chromium refuses module scripts on file:// (an opaque origin).
const script = result.outputFiles[0].text.trim().replace(/<\/(script)/gi, '<\\/$1');
const style = readFileSync(join(root, 'src', 'style.css'), 'utf8').trim();
const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp = [
  "default-src 'none'",
  `script-src ${hash(script)}`,
  `style-src ${hash(style)}`,
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');
// The template's slots: the policy, and a comment where the style and the script go (so that it stays valid HTML).
const slots = { '{{csp}}': csp, '/* style.css */': style, '/* main.ts */': script };
const html = readFileSync(join(root, 'src', 'index.html'), 'utf8').replace(
  /\{\{csp\}\}|\/\* style\.css \*\/|\/\* main\.ts \*\//g,
  (slot) => slots[slot],
);
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'index.html'), html);
const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, join(process.cwd(), p)));
writeFileSync(join(root, 'dist', 'bundle.json'), `${JSON.stringify({ bytes: Buffer.byteLength(html), inputs }, null, 2)}\n`);
console.log(`dist/index.html: ${Buffer.byteLength(html)} bytes, ${inputs.length} modules`);
