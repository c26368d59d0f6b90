/**
 * The vector suite in headless Chromium (Debian's `chromium`, driven by playwright-core) over the WebCrypto builds:
 * the conformance handlers and judge bundled for browsers, served from loopback, every case judged in the page.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors, SCHEMES } from '../../../conformance/dist/index.js';
import type { SuiteResult } from '../fixtures/browser-suite.js';
import { bundleSuite } from './support/bundle.js';
import { serve, type StaticServer } from './support/server.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lib/chromium.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('chromium');

const files = loadVectors().map((f) => ({ name: f.name, scheme: f.scheme, operation: f.operation, cases: f.cases }));
const total = files.reduce((n, f) => n + f.cases.length, 0);
// The page loads the suite as a module and exposes it; evaluated functions then need no import() of their own.
const PAGE =
  '<!doctype html><meta charset="utf-8"><title>reqsign vectors</title><script type="module">import * as suite from "/suite.js"; globalThis.suite = suite;</script>';
type Suite = typeof import('../fixtures/browser-suite.js');
let browser: Browser;
let server: StaticServer;
let bundle: { code: string; inputs: string[] };

beforeAll(async () => {
  bundle = await bundleSuite();
  server = await serve({
    '/': { type: 'text/html; charset=utf-8', body: PAGE },
    '/suite.js': { type: 'text/javascript; charset=utf-8', body: bundle.code },
    '/vectors.json': { type: 'application/json', body: JSON.stringify(files) },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('headless Chromium', () => {
  it('bundles the WebCrypto builds only (no node: import, no node entry)', () => {
    // Every signing scheme's WebCrypto build (SCHEMES), and no node entry.
    for (const s of SCHEMES.filter((x) => x.command !== undefined)) {
      expect(
        bundle.inputs.some((i) => i.endsWith(`packages/${s.package.replace('@reqsign/', '')}/dist/index.js`)),
        s.package,
      ).toBe(true);
    }
    expect(bundle.inputs.filter((i) => /\/node\.js$/.test(i) || i.startsWith('node:'))).toEqual([]);
    expect(bundle.code).not.toMatch(/from\s*["']node:/);
  });

  it('passes every vector in the page', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'suite' in globalThis);
    const { env, results, userAgent } = await page.evaluate(async () => {
      const suite = (globalThis as unknown as { suite: Suite }).suite;
      const vectors = (await (await fetch('/vectors.json')).json()) as Parameters<Suite['runVectors']>[0];
      return { env: suite.environment(), results: await suite.runVectors(vectors), userAgent: navigator.userAgent };
    });
    await page.close();
    expect(errors).toEqual([]);
    expect(env).toEqual({ subtle: true, process: false, secureContext: true });
    const notPassed = (results as SuiteResult[]).filter((r) => r.status !== 'pass').map((r) => `${r.id} ${r.status} ${r.stage ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(results).toHaveLength(total);
    console.log(`chromium (${/Chrome\/[\d.]+/.exec(userAgent)?.[0] ?? userAgent}): ${results.length}/${total} vectors over WebCrypto`);
  }, 300_000);

  it('reports a failing case as failing (the page judge can fail)', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'suite' in globalThis);
    const first = files.find((f) => f.cases.some((c) => c.expected.result === 'valid'))!;
    const c = first.cases.find((x) => x.expected.result === 'valid')!;
    const wrong = { ...first, cases: [{ ...c, expected: { result: 'invalid' as const, error: 'ERR_NOT_A_CODE' } }] };
    const results = await page.evaluate((fs) => (globalThis as unknown as { suite: Suite }).suite.runVectors(fs), [wrong]);
    await page.close();
    expect(results).toEqual([{ file: first.name, id: c.id, status: 'fail', stage: 'result' }]);
  });
});
