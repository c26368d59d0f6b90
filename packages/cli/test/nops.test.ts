import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectUsageError, openssl, reqsign, tempDir } from './helpers.js';
import { shellQuote } from '../src/internal/shell.js';
import { requirePrograms } from '../../../scripts/lib/programs.js';

requirePrograms('openssl');

const API_KEY = '123.aaaa4432454ccccb5a2280e755fdzzzz';
const dir = tempDir();
const file = (name: string): string => join(dir.path, name);

interface Signed {
  url: string;
  message: string;
  signature: string;
  headers: Record<string, string>;
}

/** openssl's own signature over a message, base64: the independent reference. */
function opensslSign(keyFile: string, message: string): string {
  return openssl(['dgst', '-sha256', '-sign', keyFile], message).toString('base64');
}

/** Whether `openssl dgst -verify` accepts a base64 signature over a message. */
function opensslVerifies(publicKeyFile: string, message: string, signature: string): boolean {
  writeFileSync(file('msg.bin'), message);
  writeFileSync(file('sig.bin'), Buffer.from(signature, 'base64'));
  try {
    return openssl(['dgst', '-sha256', '-verify', publicKeyFile, '-signature', file('sig.bin'), file('msg.bin')])
      .toString()
      .includes('Verified OK');
  } catch {
    return false;
  }
}

beforeAll(() => {
  // Keys made by openssl itself: 2048-bit PKCS#8 and a 1024-bit PKCS#1 ("BEGIN RSA PRIVATE KEY"), as in the nOps docs.
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('k2048.pem')]);
  openssl(['pkey', '-in', file('k2048.pem'), '-pubout', '-out', file('k2048.pub.pem')]);
  openssl(['genrsa', '-traditional', '-out', file('k1024.pem'), '1024']);
  openssl(['rsa', '-in', file('k1024.pem'), '-RSAPublicKey_out', '-out', file('k1024.rsapub.pem')]);
  openssl(['rsa', '-in', file('k1024.pem'), '-pubout', '-out', file('k1024.pub.pem')]);
});
afterAll(() => dir.remove());

describe('reqsign nops sign', () => {
  it('prints {url, message, signature, headers} with the signature openssl makes (PKCS#1 v1.5 is deterministic)', () => {
    const r = reqsign([
      'nops',
      'sign',
      '--api-key',
      API_KEY,
      '--private-key',
      file('k2048.pem'),
      '--date',
      '2022-01-10',
      'https://app.nops.io/nops_api/v1/billingGetTotal/',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Signed;
    expect(Object.keys(out)).toEqual(['url', 'message', 'signature', 'headers']);
    expect(out.url).toBe(`https://app.nops.io/nops_api/v1/billingGetTotal/?api_key=${API_KEY}`);
    expect(out.message).toBe(`123.2022-01-10./nops_api/v1/billingGetTotal/?api_key=${API_KEY}`);
    expect(out.signature).toBe(opensslSign(file('k2048.pem'), out.message));
    expect(out.headers).toEqual({ 'x-nops-signature': out.signature });
    expect(opensslVerifies(file('k2048.pub.pem'), out.message, out.signature)).toBe(true);
  });

  it('signs with a 1024-bit PKCS#1 key, a bare target, and the key in a header', () => {
    const r = reqsign([
      'nops',
      'sign',
      '--api-key',
      API_KEY,
      '--private-key',
      file('k1024.pem'),
      '--date',
      '2022-01-10',
      '--api-key-in',
      'header',
      '/c/admin/projectaws',
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Signed;
    expect(out.url).toBe('/c/admin/projectaws/');
    expect(out.message).toBe('123.2022-01-10./c/admin/projectaws/');
    expect(out.headers).toEqual({ 'x-nops-api-key': API_KEY, 'x-nops-signature': out.signature });
    expect(out.signature).toBe(opensslSign(file('k1024.pem'), out.message));
  });

  it('takes the key and key file from NOPS_API_KEY and NOPS_PRIVATE_KEY_FILE, and signs today in UTC by default', () => {
    const r = reqsign(['nops', 'sign', '/x/'], { NOPS_API_KEY: API_KEY, NOPS_PRIVATE_KEY_FILE: file('k2048.pem') });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Signed;
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 60_000).toISOString().slice(0, 10); // around midnight UTC
    expect([`123.${today}./x/?api_key=${API_KEY}`, `123.${yesterday}./x/?api_key=${API_KEY}`]).toContain(out.message);
  });

  it('with --time-zone, signs today in that zone (Python zoneinfo says which day that is)', () => {
    // At any hour one of these is on another day than UTC: UTC+14 from 10:00 UTC on, UTC-11 before 11:00 UTC.
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC'];
    const todayIn = (): string[] =>
      execFileSync(
        'python3',
        ['-c', 'import sys,datetime,zoneinfo\nfor z in sys.argv[1:]: print(datetime.datetime.now(zoneinfo.ZoneInfo(z)).date())', ...zones],
        { encoding: 'utf8' },
      )
        .trimEnd()
        .split('\n');
    const before = todayIn();
    const signed = zones.map((zone) => {
      const r = reqsign(['nops', 'sign', '--time-zone', zone, '/x/'], { NOPS_API_KEY: API_KEY, NOPS_PRIVATE_KEY_FILE: file('k1024.pem') });
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as Signed).message;
    });
    const after = todayIn();
    zones.forEach((zone, i) => {
      // A midnight in that zone between the two readings: either day.
      expect(
        [before[i], after[i]].map((d) => `123.${d}./x/?api_key=${API_KEY}`),
        zone,
      ).toContain(signed[i]);
    });
    expect(new Set(before).size).toBeGreaterThan(1);
    expect(
      expectUsageError(
        reqsign(['nops', 'sign', '--api-key', API_KEY, '--private-key', file('k1024.pem'), '--time-zone', 'Mars/Olympus_Mons', '/x/']),
      ),
    ).toMatch(/ERR_TIME_ZONE/);
  });

  it('prints ready curl arguments with --curl: a shell reads them back as -H header ... URL', () => {
    const r = reqsign([
      'nops',
      'sign',
      '--curl',
      '--api-key',
      '123.k',
      '--private-key',
      file('k2048.pem'),
      '--date',
      '2022-01-10',
      '--api-key-in',
      'header',
      "https://app.nops.io/c/it's/?a=1&b=$HOME",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    const words = execFileSync('bash', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', '_', r.stdout.trimEnd()], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
    const signature = opensslSign(file('k2048.pem'), "123.2022-01-10./c/it's/?a=1&b=$HOME");
    expect(words).toEqual([
      '-H',
      'x-nops-api-key: 123.k',
      '-H',
      `x-nops-signature: ${signature}`,
      "https://app.nops.io/c/it's/?a=1&b=$HOME",
    ]);
  });

  it('--curl quoting: bash reads every quoted word back as it was, whatever it holds (property, one bash for all)', () => {
    // Any text but NUL (no argument can hold one), as UTF-8 can carry it: quotes, $, backticks, newlines, globs.
    const word = fc
      .string({ unit: 'binary', maxLength: 40 })
      .map((w) => w.replaceAll('\0', '').toWellFormed())
      .filter((w) => w !== '');
    const words = fc.sample(fc.array(word, { minLength: 1, maxLength: 8 }), 300).flat();
    words.push("it's", '$HOME', '`id`', '$(id)', '*', '~', 'a b', '\\', '!', '"', "'", "''", '-H', '\n');
    const script = `eval "set -- $1"; printf '%s\\0' "$@"`;
    const back = execFileSync('bash', ['-c', script, '_', words.map(shellQuote).join(' ')], { encoding: 'utf8' });
    expect(back.split('\0').slice(0, -1)).toEqual(words);
  });

  it('agrees with openssl over random paths, queries and dates (differential)', () => {
    const path = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}/`);
    const query = fc.option(fc.stringMatching(/^[a-z0-9]{1,5}=[a-z0-9]{0,5}$/), { nil: undefined });
    const day = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(path, query, day, fc.constantFrom('query', 'header'), (p, q, d, where) => {
        const url = `https://app.nops.io${p}${q === undefined ? '' : `?${q}`}`;
        const r = reqsign([
          'nops',
          'sign',
          '--api-key',
          API_KEY,
          '--private-key',
          file('k1024.pem'),
          '--date',
          d,
          '--api-key-in',
          where,
          url,
        ]);
        expect(r.status).toBe(0);
        const out = JSON.parse(r.stdout) as Signed;
        const target = `${p}${q === undefined ? '' : `?${q}`}`;
        const expected = where === 'header' ? target : `${target}${q === undefined ? '?' : '&'}api_key=${API_KEY}`;
        expect(out.message).toBe(`123.${d}.${expected}`);
        expect(out.signature).toBe(opensslSign(file('k1024.pem'), out.message));
      }),
      { numRuns: 15 },
    );
  }, 180_000);

  it('refuses bad input with one line on stderr and exit 2', () => {
    const key = ['--private-key', file('k2048.pem')];
    expect(expectUsageError(reqsign(['nops', 'sign', ...key, '/x/']))).toMatch(/--api-key KEY or set NOPS_API_KEY/);
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, '/x/']))).toMatch(
      /--private-key FILE or set NOPS_PRIVATE_KEY_FILE/,
    );
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, '--private-key', file('nope.pem'), '/x/']))).toMatch(
      /cannot read private key file .*no such file/,
    );
    writeFileSync(file('garbage.pem'), 'not a key');
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, '--private-key', file('garbage.pem'), '/x/']))).toMatch(
      /not a PEM key/,
    );
    const pubAsPrivate = expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, '--private-key', file('k2048.pub.pem'), '/x/']));
    expect(pubAsPrivate).toMatch(/ERR_NOPS_KEY/);
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', '123', ...key, '/x/']))).toMatch(/ERR_NOPS_API_KEY/);
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, ...key, '--date', '2022-1-10', '/x/']))).toMatch(/--date/);
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, ...key, '--date', '2022-02-30', '/x/']))).toMatch(
      /--date takes a day that exists/,
    );
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, ...key, '--api-key-in', 'body', '/x/']))).toMatch(
      /query or header/,
    );
    expect(expectUsageError(reqsign(['nops', 'sign', '--api-key', API_KEY, ...key]))).toMatch(/URL/);
    // No key material in any message.
    const r = reqsign(['nops', 'sign', '--api-key', API_KEY, '--private-key', file('k2048.pub.pem'), '/x/']);
    expect(r.stderr).not.toContain('MII');
  });
});

describe('reqsign nops verify', () => {
  const base = ['--api-key', API_KEY, '--date', '2022-01-10'];
  const url = `https://app.nops.io/nops_api/v1/billingGetTotal/?api_key=${API_KEY}`;
  const message = `123.2022-01-10./nops_api/v1/billingGetTotal/?api_key=${API_KEY}`;

  it('accepts a signature openssl made: {"valid":true}, exit 0 (SPKI and PKCS#1 public keys)', () => {
    for (const [priv, pub] of [
      ['k2048.pem', 'k2048.pub.pem'],
      ['k1024.pem', 'k1024.rsapub.pem'],
    ] as const) {
      const signature = opensslSign(file(priv), message);
      const r = reqsign(['nops', 'verify', '--public-key', file(pub), ...base, '--signature', signature, url]);
      expect(r.stdout, pub).toBe('{"valid":true}\n');
      expect(r.status).toBe(0);
    }
  });

  it('reports an invalid signature as {"valid":false,...}, exit 1', () => {
    const signature = opensslSign(file('k2048.pem'), message);
    const pub = ['--public-key', file('k2048.pub.pem')];
    const wrongDay = reqsign(['nops', 'verify', ...pub, '--api-key', API_KEY, '--date', '2022-01-11', '--signature', signature, url]);
    expect(wrongDay.status).toBe(1);
    expect(JSON.parse(wrongDay.stdout)).toEqual({ valid: false, errorCode: 'ERR_NOPS_SIGNATURE_INVALID', message: 'Invalid signature.' });
    const wrongKey = reqsign(['nops', 'verify', '--public-key', file('k1024.pub.pem'), ...base, '--signature', signature, url]);
    expect(JSON.parse(wrongKey.stdout).errorCode).toBe('ERR_NOPS_SIGNATURE_INVALID');
    const badB64 = reqsign(['nops', 'verify', ...pub, ...base, '--signature', `${signature}\n`, url]);
    expect(badB64.status).toBe(1);
    expect(JSON.parse(badB64.stdout).errorCode).toBe('ERR_NOPS_SIGNATURE_ENCODING');
    const noApiKey = reqsign(['nops', 'verify', ...pub, ...base, '--signature', signature, url.replace(/\?.*$/, '')]);
    expect(noApiKey.status).toBe(1);
    expect(JSON.parse(noApiKey.stdout).errorCode).toBe('ERR_NOPS_API_KEY_PARAM');
  });

  it('answers a path without its trailing slash with ERR_NOPS_TRAILING_SLASH (exit 1); a key file that is not RSA is exit 2', () => {
    const signature = opensslSign(file('k2048.pem'), message);
    const noSlash = reqsign([
      'nops',
      'verify',
      '--public-key',
      file('k2048.pub.pem'),
      ...base,
      '--signature',
      signature,
      url.replace('billingGetTotal/?', 'billingGetTotal?'),
    ]);
    expect(noSlash.status).toBe(1);
    expect(JSON.parse(noSlash.stdout).errorCode).toBe('ERR_NOPS_TRAILING_SLASH');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('ec.pem')]);
    openssl(['pkey', '-in', file('ec.pem'), '-pubout', '-out', file('ec.pub.pem')]);
    const ec = expectUsageError(reqsign(['nops', 'verify', '--public-key', file('ec.pub.pem'), ...base, '--signature', signature, url]));
    // The library's code, in parentheses at the end of the one line.
    expect(ec).toMatch(/^reqsign nops verify: .+ \(ERR_NOPS_KEY\)\n$/);
    expect(ec).not.toContain('MF');
  });

  it('refuses a missing flag or an unusable key with exit 2', () => {
    const signature = opensslSign(file('k2048.pem'), message);
    expect(expectUsageError(reqsign(['nops', 'verify', ...base, '--signature', signature, url]))).toMatch(/--public-key FILE is required/);
    expect(
      expectUsageError(
        reqsign(['nops', 'verify', '--public-key', file('k2048.pub.pem'), '--api-key', API_KEY, '--signature', signature, url]),
      ),
    ).toMatch(/--date/);
    expect(expectUsageError(reqsign(['nops', 'verify', '--public-key', file('k2048.pub.pem'), ...base, url]))).toMatch(/--signature/);
    expect(
      expectUsageError(reqsign(['nops', 'verify', '--public-key', file('k2048.pem'), ...base, '--signature', signature, url])),
    ).toMatch(/ERR_NOPS_KEY/);
    expect(expectUsageError(reqsign(['nops', 'verify', '--public-key', file('none.pem'), ...base, '--signature', signature, url]))).toMatch(
      /no such file/,
    );
  });
});

describe('reqsign nops keygen', () => {
  it('writes an openssl-readable pair with --out (private 0600), prints the public key, never overwrites', () => {
    const out = file('keys');
    const r = reqsign(['nops', 'keygen', '--bits', '1024', '--out', out]);
    expect(r.status).toBe(0);
    const privatePem = readFileSync(join(out, 'nops_private_key.pem'), 'utf8');
    const publicPem = readFileSync(join(out, 'nops_public_key.pem'), 'utf8');
    expect(r.stdout).toBe(publicPem.endsWith('\n') ? publicPem : `${publicPem}\n`);
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(statSync(join(out, 'nops_private_key.pem')).mode & 0o777).toBe(0o600);
    expect(openssl(['pkey', '-pubin', '-in', join(out, 'nops_public_key.pem'), '-noout', '-text']).toString()).toMatch(
      /Public-Key: \(1024 bit\)/,
    );
    // The two halves belong together: openssl signs with the private one, our verify accepts with the public one.
    const message = `123.2022-01-10./x/?api_key=${API_KEY}`;
    const signature = opensslSign(join(out, 'nops_private_key.pem'), message);
    const v = reqsign([
      'nops',
      'verify',
      '--public-key',
      join(out, 'nops_public_key.pem'),
      '--api-key',
      API_KEY,
      '--date',
      '2022-01-10',
      '--signature',
      signature,
      `/x/?api_key=${API_KEY}`,
    ]);
    expect(v.stdout).toBe('{"valid":true}\n');
    const again = reqsign(['nops', 'keygen', '--bits', '1024', '--out', out]);
    expect(expectUsageError(again)).toMatch(/exists; not overwriting/);
    expect(readFileSync(join(out, 'nops_private_key.pem'), 'utf8')).toBe(privatePem);
  });

  it('never writes over an existing public key either: refused before any key is made, nothing written', () => {
    const out = file('only-public');
    mkdirSync(out);
    writeFileSync(join(out, 'nops_public_key.pem'), 'mine\n');
    expect(expectUsageError(reqsign(['nops', 'keygen', '--bits', '1024', '--out', out]))).toMatch(
      /nops_public_key\.pem" exists; not overwriting it/,
    );
    expect(readFileSync(join(out, 'nops_public_key.pem'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(out, 'nops_private_key.pem'))).toBe(false);
  });

  it('prints a 2048-bit pair by default without --out', () => {
    const r = reqsign(['nops', 'keygen']);
    expect(r.status).toBe(0);
    const m =
      /^(-----BEGIN PRIVATE KEY-----\n[\s\S]+?-----END PRIVATE KEY-----\n)(-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n)$/.exec(
        r.stdout,
      );
    expect(m).not.toBeNull();
    writeFileSync(file('gen.pem'), m![1]!);
    expect(openssl(['pkey', '-in', file('gen.pem'), '-noout', '-text']).toString()).toMatch(/Private-Key: \(2048 bit/);
  });

  it('refuses a bad size or a stray argument with exit 2', () => {
    expect(expectUsageError(reqsign(['nops', 'keygen', '--bits', '512']))).toMatch(/--bits/);
    expect(expectUsageError(reqsign(['nops', 'keygen', '--bits', 'many']))).toMatch(/--bits/);
    expect(expectUsageError(reqsign(['nops', 'keygen', 'extra']))).toMatch(/got 1/);
  });
});

describe('reqsign nops keygen: directories, sizes and pipes', () => {
  it('refuses a directory that cannot be made with one line, at once (Node 20 mkdir -p spun on /proc/nope)', () => {
    expect(expectUsageError(reqsign(['nops', 'keygen', '--out', '/proc/nope']))).toMatch(/cannot create directory "\/proc\/nope"/);
    expect(expectUsageError(reqsign(['nops', 'keygen', '--out', '/proc/nope/deeper']))).toMatch(/\/proc\/nope\/deeper/);
    writeFileSync(file('plain'), 'x');
    expect(expectUsageError(reqsign(['nops', 'keygen', '--out', join(file('plain'), 'sub')]))).toMatch(/is not a directory/);
  });

  it('creates missing parents one at a time', () => {
    const out = join(file('made'), 'a', 'b');
    expect(reqsign(['nops', 'keygen', '--bits', '1024', '--out', out]).status).toBe(0);
    expect(statSync(join(out, 'nops_public_key.pem')).isFile()).toBe(true);
  });

  it('says the real rule for --bits (a multiple of 8 from 1024 to 16384), before making any key', () => {
    for (const bits of ['1025', '1023', '16392', '2048.0', '0x800']) {
      expect(expectUsageError(reqsign(['nops', 'keygen', '--bits', bits]))).toBe(
        'reqsign nops keygen: --bits takes a multiple of 8 from 1024 to 16384\n',
      );
    }
    expect(reqsign(['nops', 'keygen', '--help']).stdout).toContain('a multiple of 8 from 1024 to 16384');
    expect(reqsign(['nops', 'keygen', '--bits', '1032']).status).toBe(0);
  });

  it('`| head -c1`: ends quietly with 141 when the reader goes away (no EPIPE stack trace, never 1)', () => {
    const r = execFileSync(
      'bash',
      ['-c', `set -o pipefail; "$0" "$1" nops keygen 2>"$2" | head -c1 >/dev/null; echo $?`, process.execPath, CLI, file('epipe.err')],
      {
        encoding: 'utf8',
      },
    );
    // Both halves may fit in the pipe before head exits (0); a write after it went is SIGPIPE's 141.
    expect(['0\n', '141\n']).toContain(r);
    expect(readFileSync(file('epipe.err'), 'utf8')).toBe('');
    const closed = execFileSync(
      'bash',
      ['-c', `set -o pipefail; "$0" "$1" nops keygen 2>"$2" | true; echo $?`, process.execPath, CLI, file('epipe.err')],
      {
        encoding: 'utf8',
      },
    );
    expect(closed).toBe('141\n');
    expect(readFileSync(file('epipe.err'), 'utf8')).toBe('');
  });
});

describe('key files: a few KB, regular files only', () => {
  const sign = (keyFile: string) => reqsign(['nops', 'sign', '--api-key', API_KEY, '--private-key', keyFile, '/x/']);

  it('refuses a device without reading it (/dev/zero grew the process to 14.8 GB)', () => {
    expect(expectUsageError(sign('/dev/zero'))).toMatch(/"\/dev\/zero": not a regular file/);
  });

  it('refuses a FIFO at once, without waiting for a writer', () => {
    const fifo = file('key.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(expectUsageError(sign(fifo))).toMatch(/not a regular file/);
  });

  it('refuses a file over 64 KiB, and a directory, naming the file and never its content', () => {
    const big = file('big.pem');
    writeFileSync(big, `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(70_000)}\n`);
    expect(expectUsageError(sign(big))).toMatch(/larger than 65536 bytes/);
    expect(expectUsageError(sign(dir.path))).toMatch(/is a directory/);
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', '/dev/zero', 'GET', '/p']))).toMatch(/not a regular file/);
  });

  it('refuses a socket, saying it is no regular file (open(2) fails on one with ENXIO)', async () => {
    const socket = file('key.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(expectUsageError(sign(socket))).toMatch(/key\.sock": not a regular file/);
      expect(expectUsageError(reqsign(['nog', 'verify', '--keys', socket, 'GET', '/p']))).toMatch(/not a regular file/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads a key file of exactly 64 KiB, and a --keys file of up to 1 MiB (1,048,576 bytes) but no more', () => {
    // 65536 bytes: not refused for its size (it is no key, so the library refuses it: ERR_NOPS_KEY).
    const edge = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(65536 - 28 - 26)}\n-----END PRIVATE KEY-----`;
    expect(Buffer.byteLength(edge)).toBe(65536);
    writeFileSync(file('edge.pem'), edge);
    expect(expectUsageError(sign(file('edge.pem')))).toMatch(/ERR_NOPS_KEY/);
    // A keys file of 1 MiB exactly, holding the key that signed the URL among thousands of others, is read.
    const ENV = { NOG_KEYID: '0123456789abcdef0123', NOG_SECRETKEY: '0123456789abcdef0123456789abcdef01234567' };
    const signedUrl = reqsign(['nog', 'sign', 'GET', '/p'], ENV).stdout.trimEnd();
    const entries = [`"${ENV.NOG_KEYID}":"${ENV.NOG_SECRETKEY}"`];
    const other = (i: number): string => `"k${String(i).padStart(18, '0')}":"${'s'.repeat(40)}"`; // 64 bytes
    for (let i = 0; i < (1024 * 1024 - 200) / 65; i++) entries.push(other(i));
    const text = `{${entries.join(',')}}`;
    const keysText = `${text.slice(0, -1)}${' '.repeat(1024 * 1024 - text.length)}}`;
    expect(Buffer.byteLength(keysText)).toBe(1024 * 1024);
    writeFileSync(file('keys.json'), keysText);
    const r = reqsign(['nog', 'verify', '--keys', file('keys.json'), 'GET', signedUrl]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true);
    writeFileSync(file('keys.json'), `${keysText} `);
    expect(expectUsageError(reqsign(['nog', 'verify', '--keys', file('keys.json'), 'GET', signedUrl]))).toMatch(
      /larger than 1048576 bytes/,
    );
  });
});
