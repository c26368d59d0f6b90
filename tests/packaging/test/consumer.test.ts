/**
 * Clean-install consumers: each package packed with `npm pack`, installed from the tarballs into fresh projects in
 * the system temp folder (outside the workspace, so nothing resolves to the sources), then used there with plain
 * node, type-checked with tsc against the published declarations, and bundled for browsers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../scripts/lib/exec.js';
import { BIN } from '../../../scripts/lib/workspace.js';
import { requireBinary, RUNTIMES } from '../../runtimes/test/support/runtimes.js';
import { BUDGETS, JOSE_COMPARISONS, bundleSize, compareWithJose, formatComparison, CRYPTO_MARKERS } from '../../../scripts/lib/size.js';
import { SCHEMES } from '../../../conformance/src/schemes.js';
import { FIXTURES, jsFiles, read, runFixture, short, typeCheck } from './support/consumer.js';
import {
  installConsumer,
  installedNames,
  packagesUnderTest,
  packUnderTest,
  ROOT,
  scratch,
  type PackedPackage,
} from './support/packages.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl', 'runtimes');

const under = packagesUnderTest();
const names = under.map((p) => p.name);
const has = (name: string): boolean => names.includes(name);
const tmp = scratch('consumer');
// require() of ES modules works without a flag from Node 20.19 and 22.12 (and in every later major).
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
let tarballs: PackedPackage[] = [];

beforeAll(async () => {
  tarballs = await packUnderTest(join(tmp.dir, 'tarballs'));
}, 120_000);
afterAll(() => tmp.remove());

describe('a project that installs every package from its tarball', () => {
  const dir = (): string => join(tmp.dir, 'all');
  beforeAll(async () => {
    await installConsumer(dir(), names, tarballs);
  }, 300_000);

  it('has every @reqsign package from the tarballs, at the packed versions, and nothing linked to the workspace', () => {
    for (const t of tarballs) {
      const manifest = JSON.parse(read(join(dir(), 'node_modules', t.name, 'package.json'))) as { version: string };
      expect(manifest.version).toBe(t.version);
    }
    const lock = read(join(dir(), 'package-lock.json'));
    expect(lock).not.toContain(ROOT);
    expect(lock).not.toMatch(/"link": true/);
  });

  const fixtures = names.filter((n) => existsSync(join(FIXTURES, 'run', `${short(n)}.mjs`)));
  it.each(fixtures)('%s signs and verifies with plain node', async (name) => {
    const r = await runFixture(dir(), `run/${short(name)}.mjs`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; publicKey?: string; message?: string; signature?: string };
    expect(out.ok).toBe(true);
    if (name === '@reqsign/nops') {
      // openssl, an independent implementation, accepts the signature made by the installed package.
      writeFileSync(join(dir(), 'pub.pem'), out.publicKey!);
      writeFileSync(join(dir(), 'msg.txt'), out.message!);
      writeFileSync(join(dir(), 'sig.bin'), Buffer.from(out.signature!, 'base64'));
      const v = await exec('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'msg.txt'], { cwd: dir() });
      expect(v.stdout.trim()).toBe('Verified OK');
      writeFileSync(join(dir(), 'msg.txt'), `${out.message!} `);
      const bad = await exec('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'msg.txt'], { cwd: dir() });
      expect(bad.code).not.toBe(0);
    }
  });

  const otherNodes = RUNTIMES.filter((r) => r.name === 'node22' || r.name === 'node24');
  it.each(otherNodes.flatMap((rt) => fixtures.map((name) => [rt.name, name, rt] as const)))(
    'on %s, %s works from the tarball too',
    async (_label, name, rt) => {
      const r = await runFixture(dir(), `run/${short(name)}.mjs`, requireBinary(rt));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { ok: boolean }).ok).toBe(true);
    },
  );

  it.each(names)('%s: every export subpath imports with plain node and every bin answers --help', async (name) => {
    const t = tarballs.find((p) => p.name === name)!;
    const subpaths = Object.keys(t.manifest['exports'] as object).filter((s) => s !== './package.json');
    const script = `for (const s of ${JSON.stringify(subpaths.map((s) => name + s.slice(1)))}) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }`;
    const r = await exec(process.execPath, ['--input-type=module', '-e', script], { cwd: dir() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const bin of Object.keys((t.manifest['bin'] as object | undefined) ?? {})) {
      const b = await exec(join(dir(), 'node_modules', '.bin', bin), ['--help'], { cwd: dir() });
      expect(b.code, `${bin} --help`).toBe(0);
      expect(b.stdout.length).toBeGreaterThan(0);
    }
  });

  it.runIf(requireEsm && has('@reqsign/nog'))('CommonJS code can require() the ESM-only packages (Node >= 20.19)', async () => {
    writeFileSync(
      join(dir(), 'require.cjs'),
      `const { signSync } = require('@reqsign/nog'); const c = require('@reqsign/canonical');
       const s = signSync('GET', '/api/blobs/abc', { id: '0123456789abcdef0123', secret: '0123456789abcdef0123456789abcdef01234567' },
         { date: Date.UTC(2015, 3, 20, 12, 34, 56), expires: 600, nonce: '0123456789' });
       process.stdout.write(s.signature + ' ' + typeof c.parseRequestTarget);`,
    );
    const r = await exec(process.execPath, ['--no-warnings', 'require.cjs'], { cwd: dir() });
    expect(r.stdout).toBe('fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d function');
  });

  it.runIf(has('@reqsign/conformance'))(
    'the installed conformance CLI runs every vector against the installed packages, both crypto paths',
    async () => {
      const r = await exec(join(dir(), 'node_modules', '.bin', 'reqsign-conformance'), ['--strict', '--quiet'], {
        cwd: dir(),
        timeoutMs: 600_000,
      });
      expect(r.stdout).toMatch(/\b0 failed\b/);
      expect(r.code).toBe(0);
      const passed = Number(/(\d+) passed/.exec(r.stdout)?.[1] ?? 0);
      expect(passed).toBeGreaterThan(0);
    },
    600_000,
  );

  const typeFiles = (resolution: 'nodenext' | 'bundler'): string[] =>
    names
      .flatMap((n) => [`${short(n)}.ts`, ...(resolution === 'nodenext' ? [`${short(n)}-node.ts`] : [])])
      .filter((f) => existsSync(join(FIXTURES, 'types', f)));

  it.each(['nodenext', 'bundler'] as const)(
    'a TypeScript consumer type-checks against the published declarations (moduleResolution %s)',
    async (resolution) => {
      const files = typeFiles(resolution);
      expect(files.length).toBeGreaterThan(0);
      const r = await typeCheck(dir(), files, resolution);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );

  it('the type check fails on a consumer that misuses the API (the check can fail)', async () => {
    const bad = join(dir(), 'bad.ts');
    writeFileSync(
      bad,
      `import { parseRequestTarget } from '@reqsign/canonical';\nexport const n: number = parseRequestTarget('/x').target;\n`,
    );
    const config = join(dir(), 'tsconfig.bad.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] },
        files: ['bad.ts'],
      }),
    );
    const r = await exec(join(BIN, 'tsc'), ['-p', config], { cwd: dir() });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/TS2322/);
  });
});

/**
 * The packages of the schemes a browser signs with (SCHEMES' entries with a command): for each, the other such
 * packages and the crypto kinds it must hold no code of.
 */
const SIGNING = SCHEMES.filter((s) => s.crypto !== 'none' && s.command !== undefined);
const ONLY = SIGNING.map((s) => {
  const others = SIGNING.filter((o) => o.package !== s.package);
  const kinds = [...new Set(others.map((o) => o.crypto))].filter((k) => k !== s.crypto);
  return [s.package, others.map((o) => o.package), kinds] as const;
});

/** A project with only one scheme package: nothing of the other schemes in its tree or its bundle, and the budget. */
describe('the scheme packages the consumer suite installs alone', () => {
  it('are every signing scheme of SCHEMES, and each has a crypto kind another lacks (so the marker scan means something)', () => {
    expect(ONLY.map(([name]) => name)).toEqual(SIGNING.map((s) => s.package));
    expect(ONLY.length).toBeGreaterThanOrEqual(2);
    expect(ONLY.some(([, , kinds]) => kinds.length > 0)).toBe(true);
  });
});

/** The HMAC building block: in the tree of an HMAC scheme's project, in no other (an nOps install has no HMAC code). */
const HMAC_PACKAGE = '@reqsign/hmac';

/** A package and the packed packages it depends on at run time, transitively (from the packed package.json files). */
function withDependencies(name: string): string[] {
  const out = new Set([name]);
  for (const n of out) {
    const manifest = tarballs.find((t) => t.name === n)?.manifest as { dependencies?: Record<string, string> } | undefined;
    for (const d of Object.keys(manifest?.dependencies ?? {})) if (has(d)) out.add(d);
  }
  return [...out].sort();
}

describe.each(ONLY)('a project that installs only %s', (name, others, kinds) => {
  const markers = kinds.flatMap((k) => CRYPTO_MARKERS[k]);
  const what = kinds.map((k) => k.toUpperCase()).join(' or ') || 'other';
  const dir = (): string => join(tmp.dir, `only-${short(name)}`);
  beforeAll(async () => {
    if (has(name)) await installConsumer(dir(), [name], tarballs);
  }, 300_000);

  it.runIf(has(name))(`has ${others.join(', ')} nowhere in its tree, and no ${what} code in any installed file`, async () => {
    const installed = await installedNames(dir());
    expect([...installed].sort()).toEqual(withDependencies(name));
    expect([...installed]).toContain('@reqsign/canonical');
    const crypto = SIGNING.find((s) => s.package === name)!.crypto;
    if (crypto === 'hmac') expect([...installed], `an HMAC scheme takes its HMAC from ${HMAC_PACKAGE}`).toContain(HMAC_PACKAGE);
    else expect([...installed]).not.toContain(HMAC_PACKAGE);
    for (const other of others) expect(existsSync(join(dir(), 'node_modules', ...other.split('/')))).toBe(false);
    for (const f of jsFiles(join(dir(), 'node_modules'))) {
      const code = readFileSync(f, 'utf8');
      for (const re of markers) expect(re.test(code), `${f} matches ${re}`).toBe(false);
    }
  });

  const budget = BUDGETS[name]!;
  it.runIf(has(name))(
    `its browser and node bundles contain no ${what} code, and its browser bundles are within their ceilings`,
    async () => {
      const browser = await bundleSize(name, dir(), 'browser');
      const node = await bundleSize(name, dir(), 'node');
      for (const re of markers) {
        expect(re.test(browser.code), `browser bundle matches ${re}`).toBe(false);
        expect(re.test(node.code), `node bundle matches ${re}`).toBe(false);
      }
      // The browser bundle is the WebCrypto build: no node: import survives in it.
      expect(browser.code).not.toMatch(/["']node:/);
      const client = await bundleSize(name, dir(), 'browser', budget.client);
      console.log(
        `size ${name}: a signing client ({ ${budget.client.join(', ')} }) ${client.minified} B minified, ${client.gzip} B gzipped ` +
          `(ceiling ${budget.clientGzip} B); every export ${browser.minified} B minified, ` +
          `${browser.gzip} B gzipped (ceiling ${budget.allGzip} B)`,
      );
      expect(client.gzip).toBeLessThan(browser.gzip);
      expect(client.gzip).toBeLessThanOrEqual(budget.clientGzip);
      expect(browser.gzip).toBeLessThanOrEqual(budget.allGzip);
    },
  );

  // The targets: each signing bundle of the installed package is smaller than jose 6's for the same job (jose from
  // the workspace's dev dependencies), measured in the same run, or within the ratio SCHEMES records for it.
  for (const c of JOSE_COMPARISONS.filter((j) => j.package === name)) {
    it.runIf(has(name))(`is ${c.maxRatio === 1 ? 'smaller than jose' : `below ${c.maxRatio}x jose`}: ${c.what}`, async () => {
      const r = await compareWithJose(c, dir(), ROOT);
      console.log(`size ${formatComparison(r)}`);
      expect(r.jose.code).toMatch(/\bjose\b|JWS|JOSE/); // jose's bundle really is jose
      expect(r.ratio).toBeLessThan(c.maxRatio);
    });
  }

  for (const kind of kinds) {
    it.runIf(has(name))(`the marker scan finds ${kind.toUpperCase()} code where there is some (the scan can fail)`, async () => {
      const otherPkg = tarballs.find((t) => SIGNING.some((o) => o.package === t.name && o.crypto === kind));
      if (otherPkg === undefined) return expect.fail(`no package of a ${kind} scheme is packed, so the scan cannot be shown to work`);
      const code = (await exec('tar', ['-xzOf', otherPkg.tarball])).stdout;
      expect(CRYPTO_MARKERS[kind].some((re) => re.test(code))).toBe(true);
    });
  }
});
