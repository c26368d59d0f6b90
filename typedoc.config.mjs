// TypeDoc's configuration (`npm run docs`; tests/docs/test/api-reference.test.ts builds it). The entry points are the
// workspace's published packages, read from the workspace itself: a new package is documented without an edit here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const read = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));

/** The directories of the root package.json's workspaces (`dir/*` or `dir`) whose package is not private. */
export function publishedPackageDirs() {
  return read('package.json')
    .workspaces.flatMap((w) =>
      w.endsWith('/*')
        ? readdirSync(join(root, w.slice(0, -2)), { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => `${w.slice(0, -2)}/${d.name}`)
        : [w],
    )
    .filter((dir) => existsSync(join(root, dir, 'package.json')) && read(`${dir}/package.json`).private !== true)
    .sort();
}

/** @type {import('typedoc').TypeDocOptions} */
export default {
  name: 'reqsign',
  entryPointStrategy: 'packages',
  entryPoints: publishedPackageDirs(),
  readme: 'README.md',
  out: 'docs/api',
  includeVersion: true,
  excludePrivate: true,
  validation: { notExported: true, invalidLink: true, notDocumented: false },
  logLevel: 'Warn',
};
