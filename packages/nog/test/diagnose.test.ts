import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVectors } from '@reqsign/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverageGaps, entryProblems, generated } from '../../../scripts/lib/diagnoseChecks.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';
import * as nodeDiagnose from '../src/diagnose/node.js';
import * as webDiagnose from '../src/diagnose/index.js';
import { diagnoseWith } from '../src/diagnose/diagnoseWith.js';
import { nodeCrypto } from '../src/internal/crypto-node.js';
import { builds, DATE_MS, KEY, KEYS, ms, node } from './helpers.js';

/** `diagnose` of each build, from its @reqsign/nog/diagnose entry. */
const DIAGNOSE: Readonly<Record<string, typeof webDiagnose.diagnose>> = {
  'node:crypto': nodeDiagnose.diagnose,
  WebCrypto: webDiagnose.diagnose,
};

requirePrograms('python3');

interface Case {
  readonly id: string;
  readonly description: string;
  readonly code: string;
  readonly holds: boolean;
  readonly input: { method: string; url: string; now: string; keys: Record<string, string>; options: Record<string, unknown> };
  readonly expected: { code: string | null; findings: string[]; signed?: string; detail?: Record<string, unknown> };
}

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const file = JSON.parse(readFileSync(join(FIXTURES, 'diagnose.json'), 'utf8')) as { cases: Case[] };

describe('diagnose vectors', () => {
  it('are what fixtures/diagnose.py (signatures by Python hmac)', () => {
    expect(generated('python3', join(FIXTURES, 'diagnose.py'))).toBe(readFileSync(join(FIXTURES, 'diagnose.json'), 'utf8'));
  });

  it('trigger every diagnosis code, and show each not claimed where it does not hold', () => {
    expect(coverageGaps(file.cases, Object.keys(nodeDiagnose.DIAGNOSES))).toEqual([]);
  });

  for (const [name, build] of builds) {
    describe(name, () => {
      for (const c of file.cases) {
        it(`${c.id} ${c.code} ${c.holds ? 'holds' : 'not claimed'}: ${c.description}`, async () => {
          const now = ms(c.input.now);
          const d = await DIAGNOSE[name]!(c.input.method, c.input.url, { keys: c.input.keys, now: () => now, ...c.input.options });
          const codes = d.findings.map((f) => f.code);
          expect(d.code).toBe(c.expected.code);
          expect(d.valid).toBe(c.expected.code === null);
          expect(codes).toEqual(c.expected.findings);
          if (c.holds) expect(codes).toContain(c.code);
          else expect(codes).not.toContain(c.code);
          if (c.expected.signed !== undefined) expect(d.findings[0]!.signed.stringToSign).toBe(c.expected.signed);
          for (const [field, value] of Object.entries(c.expected.detail ?? {})) {
            expect(
              d.findings.some((f) => (f as unknown as Record<string, unknown>)[field] === value),
              field,
            ).toBe(true);
          }
          // The verifier's own answer is the diagnosis's code (a replay is only what the caller reports).
          const verified = await build.createVerifier({ keys: c.input.keys, now: () => now }).verify(c.input.method, c.input.url);
          if (c.input.options['failure'] === undefined) expect(verified.ok ? null : verified.code).toBe(d.code);
          // No secret anywhere in a diagnosis.
          const secrets = [...Object.values(c.input.keys), ...Object.values((c.input.options['otherSecrets'] as object) ?? {})];
          const json = JSON.stringify(d);
          for (const secret of secrets) expect(json).not.toContain(secret);
        });
      }
    });
  }
});

describe('diagnose on the conformance vectors', () => {
  const cases = loadVectors().find((f) => f.scheme === 'nog-v1' && f.operation === 'verify')!.cases;
  for (const name of Object.keys(DIAGNOSE)) {
    it(`${name}: gives the verifier's code for every nog-verify vector, and a diagnosis that prints`, async () => {
      for (const c of cases) {
        const i = c.input as { method: string; url: string; now: string; keys: Record<string, string>; options?: Record<string, unknown> };
        const { nonceStoreMaxEntries: _, ...options } = i.options ?? {};
        const d = await DIAGNOSE[name]!(i.method, i.url, { keys: i.keys, now: () => ms(i.now), ...options });
        expect(d.code, c.id).toBe(c.expected.result === 'valid' ? null : c.expected.error);
        expect(JSON.parse(JSON.stringify(d)).scheme, c.id).toBe('nog-v1');
        if (d.valid) expect(d.findings, c.id).toEqual([]);
      }
      expect(cases.length).toBeGreaterThan(100);
    });
  }
});

describe('diagnose', () => {
  const signed = (target: string) => node.signSync('GET', target, KEY, { date: DATE_MS, nonce: '0123456789' });

  for (const [name, build] of builds) {
    it(`${name}: never claims a nonce from the verifier's store (a replay stays detectable after a diagnosis)`, async () => {
      const nonceStore = new build.MemoryNonceStore();
      const claims: unknown[] = [];
      const spy = {
        claim: (c: Parameters<typeof nonceStore.claim>[0]) => {
          claims.push(c);
          return nonceStore.claim(c);
        },
      };
      const options = { keys: KEYS, now: () => DATE_MS, nonceStore: spy };
      const { url } = signed('/api/blobs/abc');
      expect((await DIAGNOSE[name]!('GET', url, options)).valid).toBe(true);
      expect(
        (await DIAGNOSE[name]!('GET', url, { ...options, failure: { code: 'ERR_AUTH_NONCE_INVALID' } })).findings.map((f) => f.code),
      ).toEqual(['DIAG_NONCE_REPLAYED']);
      expect(claims).toEqual([]);
      const verifier = build.createVerifier(options);
      expect((await verifier.verify('GET', url)).ok).toBe(true);
      const replay = await verifier.verify('GET', url);
      expect(replay.ok ? null : replay.code).toBe('ERR_AUTH_NONCE_INVALID');
    });

    it(`${name}: shows the stages: target, string to sign, expected beside carried signature, every parameter`, async () => {
      const { url, stringToSign, signature, target } = signed('/api/blobs/abc?x=1');
      const d = await DIAGNOSE[name]!('GET', url.replace('x=1', 'x=2'), { keys: KEYS, now: () => DATE_MS });
      expect(d.server).toMatchObject({
        method: 'GET',
        target: target.replace('x=1', 'x=2'),
        carriedSignature: signature,
        signatureMatches: false,
      });
      expect(d.server!.stringToSign).toBe(stringToSign.replace('x=1', 'x=2'));
      expect(d.server!.expectedSignature).toMatch(/^[0-9a-f]{64}$/);
      expect(d.server!.expectedSignature).not.toBe(signature);
      expect(d.request.parameters.map((p) => p.name)).toEqual(['x', ...node.AUTH_PARAMETERS]);
      expect(d.request.parameters.filter((p) => !p.auth).map((p) => p.value)).toEqual(['2']);
      expect(d.request).toMatchObject({
        keyId: KEY.id,
        authdate: new Date(DATE_MS),
        expiresAt: new Date(DATE_MS + 600_000),
        now: new Date(DATE_MS),
      });
      // The client's side, from the URL it gave its signer: the first difference is at the changed byte.
      const e = await DIAGNOSE[name]!('GET', url.replace('x=1', 'x=2'), {
        keys: KEYS,
        now: () => DATE_MS,
        expectedUrl: '/api/blobs/abc?x=1',
      });
      expect(e.client).toMatchObject({ target, stringToSign, expectedSignature: signature, carriedSignature: null });
      expect(e.client!.differsAt).toBe(stringToSign.indexOf('x=1') + 2);
      expect(e.findings.map((f) => f.code)).toEqual(['DIAG_TARGET_CHANGED']);
      // The same side by side, for display.
      expect(e.stages.map((st) => [st.name, st.values.map((v) => [v.who, v.differsAt])])).toEqual([
        [
          'target',
          [
            ['received', -1],
            ['client', target.indexOf('x=1') + 2],
          ],
        ],
        [
          'string to sign',
          [
            ['received', -1],
            ['client', stringToSign.indexOf('x=1') + 2],
          ],
        ],
        [
          'signature',
          [
            ['expected', -1],
            ['carried', expect.any(Number)],
          ],
        ],
      ]);
      expect(e.stages[1]!.values[1]!.text).toBe(stringToSign);
    });

    it(`${name}: resolves for any method and URL; throws typed errors for bad options only`, async () => {
      for (const url of ['', 'not a url', '/p', '/p?authkeyid=x', `/p?${'a'.repeat(20000)}`, '/p?authkeyid=a&authkeyid=b']) {
        const d = await DIAGNOSE[name]!('GET', url, { keys: KEYS });
        expect(d.valid).toBe(false);
        expect(d.findings).toEqual([]);
      }
      const bad: Array<[unknown, string]> = [
        [{ keys: KEYS, expectedUrl: 1 }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, origins: ['https://h/p'] }, 'ERR_OPTION_RANGE'],
        [{ keys: KEYS, prefixes: '/api' }, 'ERR_INVALID_ARGUMENT'],
        // Sparse arrays: every() skips holes (a fuzz run's input 3639 of seed 14839439 was an untyped TypeError).
        [{ keys: KEYS, origins: new Array(3) }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, prefixes: Object.assign(new Array(2), { 0: '/api' }) }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, otherSecrets: { a: 1 } }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, failure: { code: 'ERR_NOPE' } }, 'ERR_INVALID_ARGUMENT'],
        [{ keys: KEYS, maxClockSkew: -1 }, 'ERR_OPTION_RANGE'],
        [null, 'ERR_INVALID_ARGUMENT'],
      ];
      for (const [options, code] of bad) {
        await expect(DIAGNOSE[name]!('GET', '/p', options as never)).rejects.toMatchObject({ name: 'NogError', code });
      }
      await expect(DIAGNOSE[name]!(1 as never, '/p', { keys: KEYS })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });
  }

  it('finds the one change a proxy made to any signed target, and proves what the client signed', async () => {
    const segment = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    const changes = [
      { code: 'DIAG_MOUNT_PREFIX', apply: (t: string) => t.replace('/mnt', ''), options: { prefixes: ['/mnt'] } },
      { code: 'DIAG_TRAILING_SLASH', apply: (t: string) => t.replace('/?', '?'), options: {} },
      { code: 'DIAG_QUERY_REORDERED', apply: (t: string) => t.replace(/\?([^&]+)&([^&]+)&/, '?$2&$1&'), options: {} },
      { code: 'DIAG_PLUS_SPACE', apply: (t: string) => t.replace('+', '%20'), options: {} },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        segment,
        segment,
        fc.nat(changes.length - 1),
        async (path, a, b, which) => {
          fc.pre(a !== b);
          const change = changes[which]!;
          const s = signed(`/mnt/${path.join('/')}/?p=${a}+x&q=${b}`);
          const received = change.apply(s.url);
          const d = await nodeDiagnose.diagnose('GET', received, { keys: KEYS, now: () => DATE_MS, ...change.options });
          expect(d.findings.map((f) => f.code)).toEqual([change.code]);
          expect(d.findings[0]!.signed.stringToSign).toBe(s.stringToSign);
          expect((await nodeDiagnose.diagnose('GET', s.url, { keys: KEYS, now: () => DATE_MS, ...change.options })).findings).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the @reqsign/nog/diagnose entry', () => {
  it('exports DIAGNOSES and diagnose on both crypto paths, mapped by the node condition; the main entry none of it', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(entryProblems(nodeDiagnose, webDiagnose, await import('../src/index.js'), manifest)).toEqual([]);
  });
});

describe('diagnose: a key store that fails', () => {
  const { url } = node.signSync('GET', '/api/blobs/abc', KEY, { date: DATE_MS, nonce: '0123456789' });
  const token = 'hvs.CAESIJ-vault-token-0000';
  for (const [name, build] of builds) {
    it(`${name}: a keys function that throws, or rejects with the store's error: ERR_AUTH_KEY_LOOKUP, no foreign text`, async () => {
      for (const keys of [
        (): never => {
          throw new Error(`vault: permission denied, token ${token}`);
        },
        async (): Promise<never> => {
          throw new Error(`vault: permission denied, token ${token}`);
        },
      ]) {
        // A timeout far away: the store's failure itself must end the diagnosis, not the timer.
        const started = Date.now();
        const d = await DIAGNOSE[name]!('GET', url, { keys, now: () => DATE_MS, keyLookupTimeoutMs: 2_000_000_000 });
        expect(Date.now() - started).toBeLessThan(30_000);
        const verified = await build.createVerifier({ keys, now: () => DATE_MS }).verify('GET', url);
        expect(verified.ok ? null : verified.code).toBe('ERR_AUTH_KEY_LOOKUP');
        expect(d).toMatchObject({ valid: false, code: 'ERR_AUTH_KEY_LOOKUP', findings: [], witness: null });
        expect(d.unexplained?.reason).toMatch(/key lookup failed/);
        expect(JSON.stringify(d)).not.toContain(token);
        expect(JSON.stringify(d)).not.toContain('vault');
      }
    });

    it(`${name}: an async keys function that answers, under a far timeout: the same findings as with a record`, async () => {
      const { url: moved } = node.signSync('GET', '/app/api/blobs/abc', KEY, { date: DATE_MS, nonce: '0123456789' });
      const received = moved.replace('/app', '');
      const options = { now: () => DATE_MS, prefixes: ['/app'], keyLookupTimeoutMs: 2_000_000_000 };
      const started = Date.now();
      const d = await DIAGNOSE[name]!('GET', received, { ...options, keys: async (id: string) => (KEYS as Record<string, string>)[id] });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(d.findings.map((f) => f.code)).toEqual(['DIAG_MOUNT_PREFIX']);
    }, 60_000);

    it(`${name}: a keys function that never settles: ERR_AUTH_KEY_LOOKUP after keyLookupTimeoutMs, as verify`, async () => {
      const keys = (): Promise<never> => new Promise<never>(() => undefined);
      const started = Date.now();
      const d = await DIAGNOSE[name]!('GET', url, { keys, now: () => DATE_MS, keyLookupTimeoutMs: 200 });
      expect(d).toMatchObject({ valid: false, code: 'ERR_AUTH_KEY_LOOKUP', findings: [] });
      // Bounded generously: the point is that it settles, not how fast.
      expect(Date.now() - started).toBeLessThan(30_000);
    }, 60_000);
  }
});

describe('diagnose: the work budget', () => {
  /** nodeCrypto with every HMAC counted: calls and the UTF-8 bytes hashed. */
  function counted() {
    const count = { calls: 0, bytes: 0 };
    const provider = {
      hmacHex: (secret: string, data: string) => {
        count.calls++;
        count.bytes += Buffer.byteLength(data, 'utf8');
        return nodeCrypto.hmacHex(secret, data);
      },
      randomFill: (b: Uint8Array) => nodeCrypto.randomFill(b),
    };
    return { count, diagnose: diagnoseWith(provider) };
  }
  // 24 HMACs of the search, plus the verification as received, the server's and the client's stages, and the
  // re-verification of a match (two with a clock moved); each string at most the received one plus an origin,
  // a fragment and a few framing characters (or twice as long for raw non-ASCII: counted in UTF-8 bytes).
  const BUDGET_CALLS = 24 + 5;
  const options = {
    keys: { [KEY.id]: KEY.secret, '0123456789abcdef0124': 'a-neighbouring-secret-0000000000000000000' },
    now: () => DATE_MS,
    prefixes: ['/api'],
    origins: ['https://nog.example'],
  };

  it('on hostile inputs up to maxUrlLength (16 KiB, a known key id, many parameters, escapes, segments, non-ASCII), stays within the budget', async () => {
    const fill = (n: number) => 'x'.repeat(n);
    const targets = [
      `/api/files/${fill(2000)}?a=${fill(2400)}&b=${fill(2400)}&c=${fill(2400)}&d=${fill(2400)}&e=${fill(2400)}&f=${fill(1700)}`,
      `/${'a/'.repeat(8000)}`,
      `/p%2f~${'%7e+é/'.repeat(1400)}?q=${'a+b%20c&'.repeat(500)}z=1`,
      `/p?${'a=1&'.repeat(3900)}`,
      `/${'%C3%A9'.repeat(2600)}`,
    ];
    for (const target of targets) {
      const { url } = node.signSync('GET', target, KEY, { date: DATE_MS });
      const broken = url.slice(0, -1) + (url.endsWith('0') ? '1' : '0');
      expect(broken.length).toBeLessThanOrEqual(16_384);
      const { count, diagnose } = counted();
      const d = await diagnose('GET', broken, options);
      expect(d.findings).toEqual([]);
      expect(d.unexplained!.hmacs).toBeLessThanOrEqual(24);
      expect(count.calls).toBeLessThanOrEqual(BUDGET_CALLS);
      expect(count.bytes).toBeLessThanOrEqual(BUDGET_CALLS * 2 * (Buffer.byteLength(broken) + 64));
    }
  });

  it('on any target (all of UTF-16, every position of the signature), stays within the budget', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 2000 }), fc.nat(63), async (tail, at) => {
        const target = `/p/${encodeURIComponent(tail).replaceAll('%25', '%')}`;
        let url: string;
        try {
          url = node.signSync('GET', target, KEY, { date: DATE_MS }).url;
        } catch {
          return;
        }
        const sig = url.length - 64 + at;
        const broken = url.slice(0, sig) + (url[sig] === '0' ? '1' : '0') + url.slice(sig + 1);
        const { count, diagnose } = counted();
        const d = await diagnose('GET', broken, options);
        expect(d.findings).toEqual([]);
        expect(count.calls).toBeLessThanOrEqual(BUDGET_CALLS);
        expect(count.bytes).toBeLessThanOrEqual(BUDGET_CALLS * 2 * (Buffer.byteLength(broken) + 512));
      }),
      { numRuns: 60 },
    );
  });
});
