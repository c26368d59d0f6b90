/**
 * The debugger page in Debian's Chromium (playwright-core), opened from its file: it signs and verifies the
 * conformance vectors through its forms, shows each diagnosis for the cases built to trigger it (and none where it
 * does not hold), and makes no network request; the screenshots it writes are the README's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors } from '@reqsign/conformance';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lib/chromium.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('chromium');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'dist', 'index.html');
const PAGE_URL = pathToFileURL(PAGE).href;
const SCREENSHOTS = join(ROOT, 'screenshots');
const NOPS_KEYS = join(ROOT, '..', 'nops', 'test', 'fixtures', 'keys');
const pem = (name: string): string => readFileSync(join(NOPS_KEYS, name.endsWith('.pem') ? name : `${name}.pem`), 'utf8');
const fixture = (pkg: string) => JSON.parse(readFileSync(join(ROOT, '..', pkg, 'test', 'fixtures', 'diagnose.json'), 'utf8')).cases;

/** What a form showed: the verdict, the findings, an error, and the signed fields. */
interface Shown {
  readonly valid: boolean | null;
  readonly code: string | null;
  readonly findings: string[];
  readonly error: string | null;
  readonly fields: Record<string, string>;
  readonly text: string;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every request any page of the context made. */
const requests: string[] = [];

/**
 * Fills a form's controls, submits it with a click on its button, and waits for its result: what a user does, in one
 * round trip to the page.
 */
async function submit(button: string, result: string, values: Readonly<Record<string, string>>): Promise<Shown> {
  return page.evaluate(
    async ({ button, result, values }) => {
      for (const [id, v] of Object.entries(values)) {
        const control = document.getElementById(id) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
        control.value = v;
        control.dispatchEvent(new Event('input', { bubbles: true }));
      }
      const out = document.getElementById(result)!;
      out.replaceChildren();
      (document.getElementById(button) as HTMLButtonElement).click();
      for (let i = 0; i < 500 && out.childElementCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const verdict = out.querySelector<HTMLElement>('.verdict');
      const fields: Record<string, string> = {};
      for (const row of out.querySelectorAll<HTMLElement>('tr[data-field]'))
        fields[row.dataset['field']!] = row.querySelector('td code')?.textContent ?? '';
      return {
        valid: verdict === null ? null : verdict.dataset['valid'] === 'true',
        code: verdict === null || verdict.dataset['code'] === '' ? null : verdict.dataset['code']!,
        findings: [...out.querySelectorAll<HTMLElement>('.findings li')].map((li) => li.dataset['code']!),
        error: out.querySelector('.error')?.textContent ?? null,
        fields,
        text: out.textContent ?? '',
      };
    },
    { button, result, values },
  );
}

const tab = (name: 'nog' | 'nops') => page.click(`#tab-${name}`);
/** The page as a user opens it: nothing left from earlier cases (for a screenshot). */
async function fresh(): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true');
}
/** A page value for a vector's nOps date: a day as given, an instant as ISO 8601 (and its zone apart). */
function nopsDate(date: unknown): { date: string; tz: string } {
  if (date === undefined || date === null) return { date: '', tz: '' };
  if (typeof date === 'string') return { date, tz: '' };
  const d = date as { day?: string; epochMs?: number; timeZone?: string };
  // Floored to the millisecond first, as a Date would not (canonical.md, "Dates").
  return { date: d.day ?? new Date(Math.floor(d.epochMs!)).toISOString(), tz: d.timeZone ?? '' };
}

/** Writes a screenshot, only when its pixels' file differs from the one committed (so that a run leaves no diff). */
async function screenshot(name: string, selector: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = await page.locator(selector).screenshot({ animations: 'disabled' });
  const path = join(SCREENSHOTS, `${name}.png`);
  if (!existsSync(path) || !readFileSync(path).equals(png)) writeFileSync(path, png);
  expect(png.length).toBeGreaterThan(10_000);
}

beforeAll(async () => {
  // The page the source makes now, not one left from an earlier build.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'pipe' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
  context = await browser.newContext({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) => (route.request().url() === PAGE_URL ? route.continue() : route.abort()));
  page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(PAGE_URL);
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true');
  expect(errors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the built page', () => {
  it('is one file with its script and style inline, bundling the WebCrypto builds and nothing from Node', () => {
    const html = readFileSync(PAGE, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src 'none'; form-action 'none'; base-uri 'none'$/,
    );
    expect(html).not.toMatch(/\s(src|href|action)=/);
    const { inputs } = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toEqual(
      expect.arrayContaining([
        '../nog/dist/index.js',
        '../nog/dist/diagnose/index.js',
        '../nops/dist/index.js',
        '../nops/dist/diagnose/index.js',
      ]),
    );
    expect(inputs.filter((i) => i.endsWith('/node.js') || i.includes('crypto-node') || i.startsWith('node:'))).toEqual([]);
  });

  it('runs in a secure context (WebCrypto) from file://, with nothing in its address', async () => {
    expect(await page.evaluate(() => ({ secure: isSecureContext, subtle: typeof crypto.subtle, url: location.href }))).toEqual({
      secure: true,
      subtle: 'object',
      url: PAGE_URL,
    });
  });
});

describe('nog-v1 in the page', () => {
  const files = loadVectors().filter((f) => f.scheme === 'nog-v1');

  it('signs every nog-sign vector as expected, or shows its error code', async () => {
    await tab('nog');
    // What the form cannot say: a method with a newline in a one-line field (nog-sign-055), the empty nonce (an
    // empty field means a random one: nog-sign-060), a maxUrlLength other than the default (it signs with the
    // defaults).
    const cases = files
      .find((f) => f.operation === 'sign')!
      .cases.filter((c) => {
        const i = c.input as { method: string; nonce: unknown; maxUrlLength?: number };
        return !/[\r\n]/.test(i.method) && i.nonce !== '' && i.maxUrlLength === undefined;
      });
    for (const c of cases) {
      const i = c.input as Record<string, unknown>;
      const shown = await submit('nogs-sign', 'nog-signed', {
        'nogs-method': String(i['method']),
        'nogs-url': String(i['url']),
        'nogs-keyid': String(i['keyId']),
        'nogs-secret': String(i['secret']),
        'nogs-date': String(i['authdate']),
        'nogs-expires': String(i['expires']),
        'nogs-nonce': i['nonce'] === null ? '-' : String(i['nonce']),
      });
      if (c.expected.result === 'valid') {
        const out = c.expected.output as Record<string, string>;
        expect(shown.fields['signed URL'], c.id).toBe(out['url']);
        expect(shown.fields['signature'], c.id).toBe(out['signature']);
        expect(shown.fields['string to sign'], c.id).toBe(out['stringToSign']!.replaceAll('\n', '\u21b5'));
      } else {
        expect(shown.error, c.id).toContain(c.expected.error);
      }
    }
    expect(cases.length).toBeGreaterThan(60);
  }, 120_000);

  it('verifies every nog-verify vector that needs no verifier options with the verdict expected', async () => {
    const cases = files.find((f) => f.operation === 'verify')!.cases.filter((c) => (c.input as { options?: object }).options === undefined);
    for (const c of cases) {
      const i = c.input as { method: string; url: string; now: string; keys: Record<string, string> };
      const keyId = /[?&]authkeyid=([^&#]*)/.exec(i.url)?.[1] ?? '';
      const shown = await submit('nog-diagnose', 'nog-result', {
        'nog-method': i.method,
        'nog-url': i.url,
        'nog-secret': Object.hasOwn(i.keys, keyId) ? i.keys[keyId]! : '',
        'nog-now': i.now,
        'nog-expected': '',
        'nog-prefixes': '',
        'nog-origins': '',
        'nog-others': '',
        'nog-failure': '',
      });
      expect(shown.error, c.id).toBeNull();
      expect(shown.code, c.id).toBe(c.expected.result === 'valid' ? null : c.expected.error);
    }
    expect(cases.length).toBeGreaterThan(90);
  }, 120_000);

  it("shows each diagnosis for the case built to trigger it, and none where it does not hold (@reqsign/nog's vectors)", async () => {
    const seen = new Set<string>();
    for (const c of fixture('nog')) {
      const { url, method, now, keys, options } = c.input;
      const keyId = /[?&]authkeyid=([^&#]*)/.exec(url)?.[1] ?? '';
      const others = [
        ...Object.entries(keys as Record<string, string>).filter(([id]) => id !== keyId),
        ...Object.entries((options.otherSecrets as Record<string, string>) ?? {}),
      ];
      const shown = await submit('nog-diagnose', 'nog-result', {
        'nog-method': method,
        'nog-url': url,
        'nog-secret': keys[keyId] ?? '',
        'nog-now': now,
        'nog-expected': options.expectedUrl ?? '',
        'nog-prefixes': (options.prefixes ?? []).join(','),
        'nog-origins': (options.origins ?? []).join(','),
        'nog-others': others.map(([n, s]) => `${n}=${s}`).join(', '),
        'nog-failure': options.failure?.code ?? '',
      });
      expect(shown.code, c.id).toBe(c.expected.code);
      expect(shown.findings, c.id).toEqual(c.expected.findings);
      for (const f of shown.findings) seen.add(f);
    }
    expect([...seen].sort()).toEqual(
      [
        ...new Set(
          fixture('nog')
            .filter((c: { holds: boolean }) => c.holds)
            .map((c: { code: string }) => c.code),
        ),
      ].sort(),
    );
  }, 120_000);

  it('guesses no cause when nothing verifies: the right HMAC over authexpires=600.0 blames no secret', async () => {
    const secret = '0123456789abcdef0123456789abcdef01234567';
    const part = '/api/p?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600.0';
    const values = {
      'nog-method': 'GET',
      'nog-secret': secret,
      'nog-now': '2015-04-20T12:35:00Z',
      'nog-expected': '',
      'nog-prefixes': '',
      'nog-origins': '',
      'nog-others': '',
      'nog-failure': '',
    };
    const right = createHmac('sha256', secret).update(`GET\n${part}\n`).digest('hex');
    const shown = await submit('nog-diagnose', 'nog-result', { ...values, 'nog-url': `${part}&authsignature=${right}` });
    expect(shown.code).toBe('ERR_AUTH_EXPIRES_INVALID');
    expect(shown.text).toContain('the signature is the HMAC of');
    expect(shown.text).not.toContain('Another secret');
    // Nothing verifies and no reason: the possibilities, marked as such.
    const other = await submit('nog-diagnose', 'nog-result', {
      ...values,
      'nog-url': `${part.replace('600.0', '600')}&authsignature=${'0'.repeat(64)}`,
    });
    expect(other.text).toMatch(/Possible, not proven: .*another secret/);
  }, 60_000);

  it('shows the stages with the first difference marked, as a user sees them (screenshot)', async () => {
    await fresh();
    await tab('nog');
    const c = fixture('nog').find(
      (x: { code: string; input: { options: { expectedUrl?: string } } }) => x.code === 'DIAG_MOUNT_PREFIX' && x.input.options.expectedUrl,
    );
    await page.fill('#nog-method', 'GET');
    await page.fill('#nog-url', c.input.url);
    await page.fill('#nog-secret', c.input.keys['0123456789abcdef0123']);
    await page.fill('#nog-now', '2015-04-20T12:35:00Z');
    await page.locator('#nog-verify details summary').click();
    await page.fill('#nog-expected', c.input.options.expectedUrl);
    await page.fill('#nog-prefixes', '');
    await page.fill('#nog-origins', '');
    await page.fill('#nog-others', '');
    await page.selectOption('#nog-failure', '');
    await page.click('#nog-diagnose');
    await page.waitForSelector('#nog-result .findings li[data-code="DIAG_MOUNT_PREFIX"]');
    const marks = await page.locator('#nog-result mark').allTextContents();
    expect(marks.slice(0, 2)).toEqual(['p', 'p']);
    expect(await page.locator('#nog-result tr[data-who="client"] [data-differs-at]').first().getAttribute('data-differs-at')).toBe('3');
    await screenshot('nog-diagnosis', 'body');
    expect(page.url()).toBe(PAGE_URL);
  }, 60_000);
});

describe('nOps in the page', () => {
  const files = loadVectors().filter((f) => f.scheme === 'nops');

  it('signs every nops-sign vector the form can express, as expected or with its error code', async () => {
    await tab('nops');
    const cases = files
      .find((f) => f.operation === 'sign')!
      .cases.filter((c) => (c.input as { trailingSlash?: string }).trailingSlash === undefined)
      // A textarea's value has its line breaks normalized to LF (HTML): a key with a lone CR cannot be pasted as is.
      .filter((c) => !/\r(?!\n)/.test(String((c.input as { privateKeyPem?: string }).privateKeyPem ?? '')));
    for (const c of cases) {
      const i = c.input as Record<string, unknown>;
      const { date, tz } = nopsDate(i['date']);
      const shown = await submit('nopss-sign', 'nops-signed', {
        'nopss-url': String(i['url']),
        'nopss-apikey': String(i['apiKey']),
        'nopss-apikeyin': String(i['apiKeyIn'] ?? 'query'),
        'nopss-date': date,
        'nopss-tz': tz,
        'nopss-privatekey': i['privateKeyPem'] !== undefined ? String(i['privateKeyPem']) : JSON.stringify(i['privateKeyJwk']),
      });
      if (c.expected.result === 'valid') {
        const out = c.expected.output as Record<string, string>;
        expect(shown.fields, c.id).toMatchObject({ URL: out['url'], message: out['message'], 'x-nops-signature': out['signature'] });
      } else {
        expect(shown.error, c.id).toContain(c.expected.error);
      }
    }
    expect(cases.length).toBeGreaterThan(40);
  }, 120_000);

  it('verifies every nops-verify vector of a request with the verdict expected', async () => {
    const cases = files.find((f) => f.operation === 'verify')!.cases.filter((c) => (c.input as { url?: string }).url !== undefined);
    for (const c of cases) {
      const i = c.input as Record<string, unknown>;
      const { date, tz } = nopsDate(i['date']);
      const shown = await submit('nops-diagnose', 'nops-result', {
        'nops-url': String(i['url']),
        'nops-apikey': String(i['apiKey']),
        'nops-apikeyin': String(i['apiKeyIn'] ?? 'query'),
        'nops-date': date,
        'nops-tz': tz,
        'nops-signature': String(i['signature']),
        'nops-publickey': i['publicKeyPem'] !== undefined ? String(i['publicKeyPem']) : JSON.stringify(i['publicKeyJwk']),
        'nops-expected': '',
        'nops-otherkey': '',
        'nops-prefixes': '',
        'nops-origins': '',
      });
      if (c.expected.result === 'valid') expect(shown.valid, c.id).toBe((c.expected.output as { valid: boolean }).valid);
      else if (shown.error !== null) expect(shown.error, c.id).toContain(c.expected.error);
      else expect(shown.code, c.id).toBe(c.expected.error);
    }
    expect(cases.length).toBeGreaterThan(15);
  }, 120_000);

  it("shows each diagnosis for the case built to trigger it, and none where it does not hold (@reqsign/nops's vectors)", async () => {
    const seen = new Set<string>();
    for (const c of fixture('nops')) {
      const { request, signature, publicKey, options } = c.input;
      const other = Object.values((options.otherKeys as Record<string, string>) ?? {})[0];
      const { date, tz } = typeof request.date === 'string' ? { date: request.date, tz: '' } : { date: request.date.instant, tz: '' };
      const shown = await submit('nops-diagnose', 'nops-result', {
        'nops-url': request.url,
        'nops-apikey': request.apiKey,
        'nops-apikeyin': request.apiKeyIn ?? 'query',
        'nops-date': date,
        'nops-tz': tz,
        'nops-signature': signature,
        'nops-publickey': pem(publicKey),
        'nops-expected': options.expectedUrl ?? '',
        'nops-otherkey': other === undefined ? '' : pem(other),
        'nops-prefixes': (options.prefixes ?? []).join(','),
        'nops-origins': '',
      });
      expect(shown.code, c.id).toBe(c.expected.code);
      expect(shown.findings, c.id).toEqual(c.expected.findings);
      for (const f of shown.findings) seen.add(f);
    }
    expect([...seen].sort()).toEqual(
      [
        ...new Set(
          fixture('nops')
            .filter((c: { holds: boolean }) => c.holds)
            .map((c: { code: string }) => c.code),
        ),
      ].sort(),
    );
  }, 120_000);

  it('signs, then diagnoses the signed request with a day taken in another zone (screenshot)', async () => {
    await fresh();
    await tab('nops');
    await page.fill('#nopss-url', 'https://app.nops.io/nops_api/v1/billingGetTotal/');
    await page.fill('#nopss-apikey', '123.aaaa4432454ccccb5a2280e755fdzzzz');
    await page.selectOption('#nopss-apikeyin', 'query');
    await page.fill('#nopss-date', '2022-01-10T03:00:00Z');
    await page.fill('#nopss-tz', 'America/New_York');
    await page.fill('#nopss-privatekey', pem('rsa2048'));
    await page.click('#nopss-sign');
    await page.click('#nopss-use');
    expect(await page.inputValue('#nops-date')).toBe('2022-01-09');
    // The verifier takes the instant's UTC day instead.
    await page.fill('#nops-date', '2022-01-10T03:00:00Z');
    await page.fill('#nops-publickey', pem('rsa2048.pub'));
    await page.locator('#nops-verify details summary').click();
    for (const id of ['#nops-expected', '#nops-otherkey', '#nops-prefixes', '#nops-origins']) await page.fill(id, '');
    await page.click('#nops-diagnose');
    await page.waitForSelector('#nops-result .findings li[data-code="DIAG_TIME_ZONE"]');
    expect(await page.locator('#nops-result .findings li').textContent()).toContain('UTC offsets -12:00 to -03:01');
    await screenshot('nops-diagnosis', 'body');
    expect(page.url()).toBe(PAGE_URL);
  }, 60_000);
});

describe('nothing leaves the page', () => {
  it('made no request but for its own file, through all of the above', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect([...new Set(requests)]).toEqual([PAGE_URL]);
  });

  it('cannot make one: its policy blocks fetch, images and form posts to a listening loopback server', async () => {
    let hits = 0;
    const server = createServer((_, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const probe = await browser.newPage();
    try {
      await probe.goto(PAGE_URL);
      const outcome = await probe.evaluate(async (url) => {
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
        const fetched = await fetch(url).then(
          () => 'fetched',
          () => 'refused',
        );
        const img = new Image();
        img.src = url;
        await new Promise((r) => setTimeout(r, 200));
        return { fetched, violations };
      }, target);
      expect(outcome.fetched).toBe('refused');
      expect(outcome.violations).toEqual(expect.arrayContaining(['connect-src', 'img-src']));
      expect(hits).toBe(0);
    } finally {
      await probe.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('npm run debugger serves the page on loopback and prints where', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /reqsign debugger: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(readFileSync(PAGE, 'utf8'));
      expect((await fetch(`${url}secret?x=1`)).status).toBe(404);
      const root = JSON.parse(readFileSync(join(ROOT, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(root.scripts['debugger']).toBe('npm run build && node packages/debugger/scripts/serve.mjs');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
