import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageError, pythonHmacs, reqsign, tempDir } from './helpers.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('python3');

const ENV = { NOG_KEYID: '0123456789abcdef0123', NOG_SECRETKEY: '0123456789abcdef0123456789abcdef01234567' };
const FIXED = ['--date', '2015-04-20T12:34:56Z', '--expires', '600', '--nonce', '0123456789'];
const SUFFIX = 'authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=2015-04-20T123456Z&authexpires=600&authnonce=0123456789';

/** Splits a signed URL into the target that was signed and the signature, as a server does. */
function split(url: string): { target: string; signature: string } {
  const noHash = url.split('#')[0]!;
  const target = noHash.replace(/^https?:\/\/[^/?#]*/, '');
  const m = /^(.*)&authsignature=([0-9a-f]{64})$/.exec(target);
  if (!m) throw new Error(`no trailing authsignature in ${url}`);
  return { target: m[1]!, signature: m[2]! };
}

describe('reqsign nog sign', () => {
  it('prints exactly the signed URL and a newline, with the known signatures', () => {
    const get = reqsign(['nog', 'sign', ...FIXED, 'GET', '/api/blobs/abc'], ENV);
    expect(get.status).toBe(0);
    expect(get.stderr).toBe('');
    expect(get.stdout).toBe(`/api/blobs/abc?${SUFFIX}&authsignature=fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d\n`);
    const post = reqsign(['nog', 'sign', ...FIXED, 'POST', 'https://nog.example.org/api/blobs/abc?x=1'], ENV);
    expect(post.stdout).toBe(
      `https://nog.example.org/api/blobs/abc?x=1&${SUFFIX}&authsignature=0a0c7321435da6dac5764f93a786f1c5f366af24b6b3a208f716e10af5a54698\n`,
    );
  });

  it('accepts the date in other ISO 8601 forms for the same instant', () => {
    const expected = reqsign(['nog', 'sign', ...FIXED, 'GET', '/p'], ENV).stdout;
    for (const date of ['2015-04-20T123456Z', '2015-04-20T14:34:56+02:00', '2015-04-20T12:34:56.999Z', '2015-04-20T07:34:56-0500']) {
      const r = reqsign(['nog', 'sign', '--date', date, '--expires', '600', '--nonce', '0123456789', 'GET', '/p'], ENV);
      expect(r.stdout, date).toBe(expected);
    }
  });

  it('keeps the form given: absolute stays absolute, a bare target stays bare, a fragment stays last', () => {
    const abs = reqsign(['nog', 'sign', 'GET', 'https://h.example:8443/a/b?c=d#frag'], ENV).stdout.trimEnd();
    expect(abs).toMatch(/^https:\/\/h\.example:8443\/a\/b\?c=d&authalgorithm=nog-v1&.*&authsignature=[0-9a-f]{64}#frag$/);
    const bare = reqsign(['nog', 'sign', 'GET', '/a/b'], ENV).stdout.trimEnd();
    expect(bare).toMatch(
      /^\/a\/b\?authalgorithm=nog-v1&authkeyid=0123456789abcdef0123&authdate=\d{4}-\d\d-\d\dT\d{6}Z&authexpires=600&authnonce=[0-9a-f]{20}&authsignature=[0-9a-f]{64}$/,
    );
    const emptyQuery = reqsign(['nog', 'sign', 'GET', '/p?'], ENV).stdout;
    expect(emptyQuery.startsWith('/p?&authalgorithm=nog-v1&')).toBe(true);
  });

  it('sends no nonce with --no-nonce, and defaults to a fresh 20-hex nonce each run', () => {
    const none = reqsign(['nog', 'sign', '--no-nonce', 'GET', '/p'], ENV).stdout;
    expect(none).not.toContain('authnonce');
    const a = /authnonce=([0-9a-f]+)/.exec(reqsign(['nog', 'sign', 'GET', '/p'], ENV).stdout)![1]!;
    const b = /authnonce=([0-9a-f]+)/.exec(reqsign(['nog', 'sign', 'GET', '/p'], ENV).stdout)![1]!;
    expect(a).toHaveLength(20);
    expect(a).not.toBe(b);
  });

  it('agrees with Python hmac over the string to sign for random requests (differential)', () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD');
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/);
    // A bare target that starts with // would read as a scheme-relative URL (refused, ERR_TARGET_FORM).
    const path = fc
      .array(segment, { minLength: 1, maxLength: 4 })
      .map((s) => `/${s.join('/')}`)
      .filter((p) => !p.startsWith('//'));
    const query = fc.option(fc.stringMatching(/^[A-Za-z0-9=&._~%-]{0,20}$/), { nil: undefined });
    const date = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(ms).toISOString());
    const nonce = fc.stringMatching(/^[0-9a-f]{1,20}$/);
    const secret = fc.stringMatching(/^[0-9a-f]{40}$/);
    // Each case runs the CLI (a process of its own); Python checks them all in one process afterwards.
    const cases = fc.sample(fc.tuple(method, path, query, date, fc.integer({ min: 0, max: 3600 }), nonce, secret), 30);
    const signed = cases.map(([m, p, q, d, e, n, s]) => {
      const url = q === undefined ? p : `${p}?${q}`;
      const r = reqsign(['nog', 'sign', '--date', d, '--expires', String(e), '--nonce', n, m, url], { ...ENV, NOG_SECRETKEY: s });
      expect(r.status, url).toBe(0);
      const { target, signature } = split(r.stdout.trimEnd());
      expect(target.startsWith(url + (q === undefined ? '?' : '&')), url).toBe(true);
      expect(target).toContain(`&authexpires=${e}&authnonce=${n}`);
      return { secret: s, stringToSign: `${m}\n${target}\n`, signature };
    });
    const expected = pythonHmacs(signed.map((c) => [c.secret, c.stringToSign] as const));
    expect(signed.map((c) => c.signature)).toEqual(expected);
  }, 180_000);

  it('refuses bad input with one line on stderr and exit 2', () => {
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', '/p'], {}))).toMatch(/NOG_KEYID and NOG_SECRETKEY/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--date', '2015-02-30T00:00:00Z', 'GET', '/p'], ENV))).toMatch(/--date/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--date', 'yesterday', 'GET', '/p'], ENV))).toMatch(/--date/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--expires', '-5', 'GET', '/p'], ENV))).toMatch(/--expires/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--expires', '1e3', 'GET', '/p'], ENV))).toMatch(/--expires/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--nonce', 'xyz', 'GET', '/p'], ENV))).toMatch(/--nonce/);
    expect(expectUsageError(reqsign(['nog', 'sign', '--nonce', 'ab', '--no-nonce', 'GET', '/p'], ENV))).toMatch(/exclude/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET'], ENV))).toMatch(/METHOD URL/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', '/p', 'extra'], ENV))).toMatch(/METHOD URL/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GE T', '/p'], ENV))).toMatch(/ERR_SIGN_METHOD/);
    // Each run is a fresh process: the first call must validate too (it once skipped an empty method and key id).
    expect(expectUsageError(reqsign(['nog', 'sign', '', '/p'], ENV))).toMatch(/ERR_SIGN_METHOD/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', '/p'], { ...ENV, NOG_KEYID: '' }))).toMatch(/NOG_KEYID|ERR_SIGN_KEY/);
    // The deadline may not lie past 9999-12-31T23:59:59Z: the last one signs, one second more does not.
    expect(reqsign(['nog', 'sign', '--date', '9999-12-31T22:59:59Z', '--expires', '3600', 'GET', '/p'], ENV).status).toBe(0);
    expect(expectUsageError(reqsign(['nog', 'sign', '--date', '9999-12-31T22:59:59Z', '--expires', '3601', 'GET', '/p'], ENV))).toMatch(
      /ERR_SIGN_EXPIRES/,
    );
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', 'ftp://h/p'], ENV))).toMatch(/ERR_TARGET_SCHEME/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', 'p'], ENV))).toMatch(/ERR_TARGET_FORM/);
    // The secret never appears in any message.
    const bad = reqsign(['nog', 'sign', 'GET', 'ftp://h/p'], ENV);
    expect(bad.stderr).not.toContain(ENV.NOG_SECRETKEY);
  });
});

describe('reqsign nog verify', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  const keysFile = join(dir.path, 'keys.json');
  writeFileSync(keysFile, JSON.stringify({ other: 'x'.repeat(40), [ENV.NOG_KEYID]: ENV.NOG_SECRETKEY }));
  const signedGet = reqsign(['nog', 'sign', ...FIXED, 'GET', 'https://nog.example.org/api/blobs/abc?x=1'], ENV).stdout.trimEnd();

  it('prints one JSON line and exits 0 for a valid request', () => {
    const r = reqsign(['nog', 'verify', '--now', '2015-04-20T12:40:00Z', '--keys', keysFile, 'GET', signedGet]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd().includes('\n')).toBe(false);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      keyId: ENV.NOG_KEYID,
      authdate: '2015-04-20T12:34:56.000Z',
      expiresAt: '2015-04-20T12:44:56.000Z',
      nonce: '0123456789',
      target: '/api/blobs/abc?x=1',
      query: 'x=1',
    });
    // The key can also come from the environment pair.
    expect(reqsign(['nog', 'verify', '--now', '2015-04-20T12:40:00Z', 'GET', signedGet], ENV).status).toBe(0);
  });

  it('prints {"valid":false,...} and exits 1 for an invalid request', () => {
    const at = ['--now', '2015-04-20T12:40:00Z', '--keys', keysFile];
    const cases: Array<[string[], string, string]> = [
      [['POST', signedGet], 'ERR_AUTH_SIG_INVALID', 'Invalid signature.'],
      [['GET', signedGet.replace('x=1', 'x=2')], 'ERR_AUTH_SIG_INVALID', 'Invalid signature.'],
      [['GET', 'https://nog.example.org/api/blobs/abc'], 'ERR_AUTH_FIELD_MISSING', 'Invalid signature (missing authkeyid).'],
      [['GET', signedGet.replace('authkeyid=0123', 'authkeyid=9123')], 'ERR_AUTH_KEY_UNKNOWN', 'Unknown key.'],
    ];
    for (const [rest, errorCode, message] of cases) {
      const r = reqsign(['nog', 'verify', ...at, ...rest]);
      expect(r.status, errorCode).toBe(1);
      expect(r.stdout).toBe(`${JSON.stringify({ valid: false, errorCode, message })}\n`);
    }
    const late = reqsign(['nog', 'verify', '--now', '2015-04-20T12:44:57Z', '--keys', keysFile, 'GET', signedGet]);
    expect(JSON.parse(late.stdout)).toMatchObject({ valid: false, errorCode: 'ERR_AUTH_SIG_EXPIRED' });
    const boundary = reqsign(['nog', 'verify', '--now', '2015-04-20T12:44:56Z', '--keys', keysFile, 'GET', signedGet]);
    expect(boundary.status).toBe(0);
  });

  it('answers a huge authexpires with ERR_AUTH_EXPIRES_INVALID (exit 1), never a crash on an invalid date', () => {
    for (const expires of ['8640000000000', '999999999999999', '9'.repeat(40)]) {
      const target = `/p?authalgorithm=nog-v1&authkeyid=${ENV.NOG_KEYID}&authdate=2015-04-20T123456Z&authexpires=${expires}`;
      const [signature] = pythonHmacs([[ENV.NOG_SECRETKEY, `GET\n${target}\n`]]);
      const r = reqsign([
        'nog',
        'verify',
        '--now',
        '2015-04-20T12:40:00Z',
        '--keys',
        keysFile,
        'GET',
        `${target}&authsignature=${signature}`,
      ]);
      expect(r.stderr).toBe('');
      expect(r.status, expires).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual({ valid: false, errorCode: 'ERR_AUTH_EXPIRES_INVALID', message: 'Invalid expires.' });
    }
    // The latest deadline there is still verifies, and prints as a date.
    const last = `/p?authalgorithm=nog-v1&authkeyid=${ENV.NOG_KEYID}&authdate=9999-12-31T225959Z&authexpires=3600`;
    const [signature] = pythonHmacs([[ENV.NOG_SECRETKEY, `GET\n${last}\n`]]);
    const ok = reqsign(['nog', 'verify', '--now', '9999-12-31T23:00:00Z', '--keys', keysFile, 'GET', `${last}&authsignature=${signature}`]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).expiresAt).toBe('9999-12-31T23:59:59.000Z');
  });

  it('refuses bad keys and arguments with one line on stderr and exit 2', () => {
    expect(expectUsageError(reqsign(['nog', 'verify', 'GET', signedGet]))).toMatch(/--keys FILE or set NOG_KEYID/);
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', join(dir.path, 'missing.json'), 'GET', signedGet]))).toMatch(
      /no such file/,
    );
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', dir.path, 'GET', signedGet]))).toMatch(/is a directory/);
    const notJson = join(dir.path, 'bad.json');
    writeFileSync(notJson, `{"${ENV.NOG_KEYID}": "${ENV.NOG_SECRETKEY}"`);
    const err = expectUsageError(reqsign(['nog', 'verify', '--keys', notJson, 'GET', signedGet]));
    expect(err).toMatch(/not JSON/);
    expect(err).not.toContain(ENV.NOG_SECRETKEY);
    const array = join(dir.path, 'array.json');
    writeFileSync(array, '["a"]');
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', array, 'GET', signedGet]))).toMatch(/JSON object/);
    const numbers = join(dir.path, 'numbers.json');
    writeFileSync(numbers, '{"k": 1}');
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', numbers, 'GET', signedGet]))).toMatch(/secret/);
    expect(expectUsageError(reqsign(['nog', 'verify', '--now', 'soon', '--keys', keysFile, 'GET', signedGet]))).toMatch(/--now/);
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', keysFile, signedGet]))).toMatch(/METHOD URL/);
  });
});

describe('reqsign nog sign: --json, lowercase methods, a URL on stdin', () => {
  const KNOWN = 'fc51989d50e111843e5944adebafb958e197dd4cfee2cb13ef208213daf7ee8d';

  it('--json prints every stage of the first known value in docs/spec/nog-v1.md on one line', () => {
    const r = reqsign(['nog', 'sign', ...FIXED, '--json', 'GET', '/api/blobs/abc'], ENV);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('}\n') && r.stdout.indexOf('\n') === r.stdout.length - 1).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual({
      target: `/api/blobs/abc?${SUFFIX}`,
      stringToSign: `GET\n/api/blobs/abc?${SUFFIX}\n`,
      signature: KNOWN,
      url: `/api/blobs/abc?${SUFFIX}&authsignature=${KNOWN}`,
      authdate: '2015-04-20T123456Z',
      expires: 600,
      nonce: '0123456789',
    });
    expect(JSON.parse(reqsign(['nog', 'sign', '--no-nonce', '--json', 'GET', '/p'], ENV).stdout).nonce).toBeNull();
  });

  it('warns on stderr (one line) when the method is lowercase, and still signs it as given', () => {
    const r = reqsign(['nog', 'sign', ...FIXED, 'get', '/api/blobs/abc'], ENV);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^reqsign nog sign: warning: "get" is signed as given, in lowercase; [^\n]*"GET"[^\n]*\n$/);
    expect(split(r.stdout.trimEnd()).target).toBe(`/api/blobs/abc?${SUFFIX}`);
    expect(reqsign(['nog', 'sign', ...FIXED, 'GET', '/p'], ENV).stderr).toBe('');
    expect(reqsign(['nog', 'sign', ...FIXED, 'M-SEARCH', '/p'], ENV).stderr).toBe('');
  });

  it("warns (the library's warning, one line) when --expires is above what a default verifier takes with a nonce", () => {
    const r = reqsign(['nog', 'sign', '--expires', '7200', 'GET', '/p'], ENV);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^reqsign nog sign: warning: expires 7200 is above 3600[^\n]*\n$/);
    expect(reqsign(['nog', 'sign', '--expires', '3600', 'GET', '/p'], ENV).stderr).toBe('');
    expect(reqsign(['nog', 'sign', '--no-nonce', '--expires', '7200', 'GET', '/p'], ENV).stderr).toBe('');
  });

  it('warns only when it goes on to sign: a usage error after a lowercase method is its one line', () => {
    for (const args of [
      ['get', 'ftp://h/p'],
      ['get', '/p?authkeyid=k'],
      ['--expires', '99999999999999', 'get', '/p'],
    ]) {
      const stderr = expectUsageError(reqsign(['nog', 'sign', '--date', '9999-12-31T23:59:59Z', ...args], ENV));
      expect(stderr, args.join(' ')).not.toMatch(/warning/);
    }
    expect(expectUsageError(reqsign(['nog', 'sign', 'get', 'ftp://h/p'], ENV))).toMatch(/ERR_TARGET_SCHEME/);
  });

  it('reads the URL from stdin for -, one line, the final newline dropped', () => {
    const viaStdin = reqsign(['nog', 'sign', ...FIXED, 'GET', '-'], ENV, '/api/blobs/abc\n');
    expect(viaStdin.stdout).toBe(reqsign(['nog', 'sign', ...FIXED, 'GET', '/api/blobs/abc'], ENV).stdout);
    expect(reqsign(['nog', 'sign', ...FIXED, 'GET', '-'], ENV, '/api/blobs/abc').stdout).toBe(viaStdin.stdout);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', '-'], ENV, ''))).toMatch(/holds no URL/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', '-'], ENV, '/a\n/b\n'))).toMatch(/one URL on one line/);
    expect(expectUsageError(reqsign(['nog', 'sign', 'GET', '-'], ENV, `/${'a'.repeat(20_000)}`))).toMatch(/more than \d+ bytes/);
  });

  it('verifies a URL read from stdin', () => {
    const url = reqsign(['nog', 'sign', ...FIXED, 'GET', '/api/blobs/abc'], ENV).stdout;
    const r = reqsign(['nog', 'verify', '--now', '2015-04-20T12:40:00Z', 'GET', '-'], ENV, url);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, target: '/api/blobs/abc' });
  });
});
