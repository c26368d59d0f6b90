/**
 * docs/spec/nops.md, "Keys": DER read strictly [PemDer, Pkcs8], the numbers of every key [RsaNumbers], a private key's
 * parts belonging together [KeyConsistent], JWK members of the fewest octets [JwkBase64url] and no `d` in a public
 * JWK [JwkPublic]. Keys are written here by a small DER writer of this test's own (X.690, not the package's), with
 * one rule broken at a time or bytes edited at random, and the answers of both builds are compared with the
 * Python reference port (which reads DER element by element, where the package compares with a re-encoding) and,
 * for the constructed keys, with what the construction says the rule answers. openssl signs the reference signature.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOC_KEY, DOC_MESSAGE, builds, codeOf, keyPath, opensslSign, pem } from './helpers.js';

type Numbers = { n: bigint; e: bigint; d: bigint; p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint };
const MEMBERS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const big = (b64url: string): bigint => BigInt(`0x${Buffer.from(b64url, 'base64url').toString('hex')}`);
const b64url = (v: bigint): string => {
  const hex = v.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};
const JWK = createPrivateKey(pem('rsa1024')).export({ format: 'jwk' }) as Record<string, string>;
const K = Object.fromEntries(MEMBERS.map((m) => [m, big(JWK[m]!)])) as Numbers;
const OTHER = createPrivateKey(pem('rsa2048')).export({ format: 'jwk' }) as Record<string, string>;

// --- a DER writer (X.690), with the deviations a test needs ---------------------------------------------------------
interface Enc {
  /** Which element (in writing order) gets a non-minimal length (a leading zero length octet), -1 for none. */
  longAt: number;
  /** Which INTEGER (in writing order) gets a needless leading 00, -1 for none. */
  padAt: number;
}
function writer(enc: Enc, deviations: string[]) {
  let elements = 0;
  let integers = 0;
  const length = (n: number, long: boolean): Buffer => {
    if (n < 128 && !long) return Buffer.from([n]);
    let hex = n.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (long) hex = `00${hex}`;
    return Buffer.concat([Buffer.from([0x80 | (hex.length / 2)]), Buffer.from(hex, 'hex')]);
  };
  const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    const long = elements++ === enc.longAt;
    if (long) deviations.push('long length');
    return Buffer.concat([Buffer.from([tag]), length(body.length, long), body]);
  };
  const int = (v: bigint): Buffer => {
    let hex: string;
    if (v < 0n) {
      let bytes = 1;
      while (-v > 1n << BigInt(8 * bytes - 1)) bytes++;
      hex = ((1n << BigInt(8 * bytes)) + v).toString(16).padStart(bytes * 2, '0');
    } else {
      hex = v.toString(16);
      if (hex.length % 2) hex = `0${hex}`;
      if (Number.parseInt(hex.slice(0, 2), 16) > 127) hex = `00${hex}`;
    }
    // (A 00 before a negative number's FF.. would write another, positive number in DER.)
    const padded = integers++ === enc.padAt && v >= 0n;
    if (padded) deviations.push('padded INTEGER');
    const pad = Buffer.alloc(padded ? 1 : 0);
    return tlv(2, pad, Buffer.from(hex, 'hex'));
  };
  return { tlv, int };
}

/** How a key is written: its structure, numbers and the one deviation from DER or from the structure, if any. */
interface KeyCase {
  form: 'PUBLIC KEY' | 'RSA PUBLIC KEY' | 'PRIVATE KEY' | 'RSA PRIVATE KEY';
  numbers: Numbers;
  enc: Enc;
  params: 'null' | 'absent' | 'octet';
  unusedBits: number;
  trailing: number;
  pkcs8Version: bigint;
  publicKey: 'none' | 'own' | 'other';
  attributes: boolean;
  rsaVersion: bigint;
}

const OID = Buffer.from('06092a864886f70d010101', 'hex');
/** The DER of a case, and the deviations from the rule that were written (a deviation may not apply to a form). */
function derOf(c: KeyCase): { der: Buffer; deviations: string[] } {
  const deviations: string[] = [];
  const { tlv, int } = writer(c.enc, deviations);
  const k = c.numbers;
  const tail = Buffer.alloc(c.trailing);
  if (c.trailing) deviations.push('trailing bytes');
  const algorithm = () => {
    if (c.params !== 'null') deviations.push('parameters not NULL');
    return tlv(0x30, OID, c.params === 'null' ? Buffer.from([5, 0]) : c.params === 'octet' ? Buffer.from([4, 0]) : Buffer.alloc(0));
  };
  const rsaPublic = (x: { n: bigint; e: bigint }) => tlv(0x30, int(x.n), int(x.e));
  if (c.form === 'RSA PUBLIC KEY') return { der: Buffer.concat([rsaPublic(k), tail]), deviations };
  if (c.form === 'PUBLIC KEY') {
    if (c.unusedBits) deviations.push('unused bits');
    return { der: tlv(0x30, algorithm(), tlv(3, Buffer.from([c.unusedBits]), rsaPublic(k), tail)), deviations };
  }
  if (c.rsaVersion) deviations.push('RSAPrivateKey version');
  const rsaPrivate = () => tlv(0x30, int(c.rsaVersion), ...MEMBERS.map((m) => int(k[m])));
  if (c.form === 'RSA PRIVATE KEY') return { der: Buffer.concat([rsaPrivate(), tail]), deviations };
  if (c.attributes) deviations.push('attributes');
  if (!(c.pkcs8Version === 0n ? c.publicKey === 'none' : c.pkcs8Version === 1n && c.publicKey !== 'other'))
    deviations.push('PKCS#8 version');
  const version = int(c.pkcs8Version);
  const alg = algorithm();
  const inner = tlv(4, rsaPrivate(), tail);
  const attributes = c.attributes ? Buffer.from([0xa0, 0]) : Buffer.alloc(0);
  const pub =
    c.publicKey === 'none'
      ? Buffer.alloc(0)
      : tlv(0x81, Buffer.from([0]), rsaPublic(c.publicKey === 'own' ? k : { n: big(OTHER.n!), e: 65537n }));
  return { der: tlv(0x30, version, alg, inner, attributes, pub), deviations };
}
const pemOf = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** What the rule of nops.md says of a constructed key: `ERR_NOPS_KEY`, or `ok` (then it is the test key's numbers or only e changed). */
function ruleSays(c: KeyCase): string {
  const k = c.numbers;
  const numbersOk = k.n % 2n === 1n && k.n > 0n && [3n, 17n, 37n, 65537n].includes(k.e);
  const consistent = MEMBERS.every((m) => k[m] === K[m]);
  return derOf(c).deviations.length === 0 && numbersOk && (!c.form.includes('PRIVATE') || consistent) ? 'ok' : 'ERR_NOPS_KEY';
}

const SIGNATURE = opensslSign(keyPath('rsa1024'), Buffer.from(DOC_MESSAGE));
const none: Enc = { longAt: -1, padAt: -1 };
const exponent = fc.oneof(
  fc.constantFrom(
    65537n,
    3n,
    17n,
    37n,
    5n,
    257n,
    65539n,
    0n,
    1n,
    2n,
    4n,
    -1n,
    -65537n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 32n + 1n,
    2n ** 64n + 1n,
    K.n,
    K.n - 2n,
  ),
  fc.bigInt({ min: -5n, max: 2n ** 40n }),
);
const numbers = fc.oneof(
  { weight: 4, arbitrary: fc.constant(K) },
  { weight: 3, arbitrary: exponent.map((e) => ({ ...K, e })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<Partial<Numbers>>(
        { n: K.n + 1n },
        { n: K.n + 2n },
        { n: -K.n },
        { qi: K.qi + 1n },
        { dp: K.dp + K.p - 1n },
        { dq: K.dq + K.q - 1n },
        { d: K.d + 2n },
        { p: K.q, q: K.p },
      )
      .map((change) => ({ ...K, ...change })),
  },
);
const onlyOne = <T>(value: fc.Arbitrary<T>, usual: T) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: value });
const keyCase: fc.Arbitrary<KeyCase> = fc.record({
  form: fc.constantFrom('PUBLIC KEY', 'RSA PUBLIC KEY', 'PRIVATE KEY', 'RSA PRIVATE KEY'),
  numbers,
  enc: onlyOne(fc.record({ longAt: fc.nat({ max: 12 }), padAt: fc.constant(-1) }), none).chain((e) =>
    e === none ? onlyOne(fc.record({ longAt: fc.constant(-1), padAt: fc.nat({ max: 10 }) }), none) : fc.constant(e),
  ),
  params: onlyOne(fc.constantFrom('absent' as const, 'octet' as const), 'null' as const),
  unusedBits: onlyOne(fc.integer({ min: 1, max: 7 }), 0),
  trailing: onlyOne(fc.integer({ min: 1, max: 3 }), 0),
  pkcs8Version: onlyOne(fc.constantFrom(1n, 2n, -1n), 0n),
  publicKey: onlyOne(fc.constantFrom('own' as const, 'other' as const), 'none' as const),
  attributes: onlyOne(fc.constant(true), false),
  rsaVersion: onlyOne(fc.constantFrom(1n, 2n), 0n),
});
/** A constructed key's DER with up to 2 random byte edits (flip, insert, delete): the rule's answer is then unknown. */
const edited = fc.tuple(
  keyCase,
  fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('flip', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
);
function edit(der: Buffer, edits: { at: number; op: string; byte: number }[]): Buffer {
  let out = der;
  for (const { at, op, byte } of edits) {
    const i = at % out.length;
    if (op === 'flip') out = Buffer.concat([out.subarray(0, i), Buffer.from([out[i]! ^ (byte | 1)]), out.subarray(i + 1)]);
    else if (op === 'insert') out = Buffer.concat([out.subarray(0, i), Buffer.from([byte]), out.subarray(i)]);
    else out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
  }
  return out;
}

/** A case as one conformance request: verify for a public key, sign for a private one. */
function request(form: string, text: string) {
  return form.includes('PRIVATE')
    ? { operation: 'sign', input: { url: '/nops_api/v1/billingGetTotal/', apiKey: DOC_KEY, date: '2022-01-10', privateKeyPem: text } }
    : { operation: 'verify', input: { message: DOC_MESSAGE, signature: SIGNATURE, publicKeyPem: text } };
}
/** The Python reference port's answers, one process for all: `ERR_*`, `valid`/`invalid`, or the signature. */
function python(requests: { operation: string; input: unknown }[]): string[] {
  const port = new URL('../../../conformance/ports/python/reqsign_port.py', import.meta.url).pathname;
  const lines = requests.map((r, i) => JSON.stringify({ type: 'request', id: `k${i}`, scheme: 'nops', ...r }));
  const run = spawnSync('python3', [port], { input: `${lines.join('\n')}\n`, encoding: 'utf8', timeout: 120_000 });
  return run.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { type: string; output?: { valid?: boolean; signature?: string }; error?: { code: string } })
    .filter((a) => a.type === 'response')
    .map((a) => a.error?.code ?? a.output?.signature ?? (a.output?.valid ? 'valid' : 'invalid'));
}
async function answer(build: (typeof builds)[number][1], form: string, text: string): Promise<string> {
  try {
    if (form.includes('PRIVATE')) {
      return (await build.sign('/nops_api/v1/billingGetTotal/', { apiKey: DOC_KEY, date: '2022-01-10', privateKey: text })).signature;
    }
    const r = await build.verify({ message: DOC_MESSAGE }, SIGNATURE, text);
    return r.ok ? 'valid' : 'invalid';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

const SIGNED = opensslSign(keyPath('rsa1024'), Buffer.from(`123.2022-01-10./nops_api/v1/billingGetTotal/?api_key=${DOC_KEY}`));

describe('keys written in DER with one rule broken, or edited at random (property, against the Python port)', () => {
  const constructed = fc.sample(keyCase, { numRuns: 300, seed: 31 });
  const random = fc.sample(edited, { numRuns: 200, seed: 8017 });
  const texts = [
    ...constructed.map((c) => ({ form: c.form, text: pemOf(c.form, derOf(c).der), rule: ruleSays(c), c })),
    ...random.map(([c, edits]) => ({ form: c.form, text: pemOf(c.form, edit(derOf(c).der, edits)), rule: undefined, c })),
  ];
  const py = python(texts.map((t) => request(t.form, t.text)));

  it('the Python port answers every case', () => {
    expect(py).toHaveLength(texts.length);
  });

  it('the constructed keys: the Python port answers what the rule says', () => {
    const wrong = texts.flatMap((t, i) => {
      if (t.rule === undefined) return [];
      const got = py[i] === 'ERR_NOPS_KEY' ? 'ERR_NOPS_KEY' : 'ok';
      return got === t.rule
        ? []
        : [[i, t.form, got, t.rule, JSON.stringify(t.c, (_k, v) => (typeof v === 'bigint' ? String(v).slice(0, 12) : v))]];
    });
    expect(wrong).toEqual([]);
    // Both ways, in numbers: the sample is not all refusals.
    expect(texts.filter((t) => t.rule === 'ok').length).toBeGreaterThan(40);
    expect(texts.filter((t) => t.rule === 'ERR_NOPS_KEY').length).toBeGreaterThan(100);
  });

  for (const [name, build] of builds) {
    it(`${name}: answers each key as the Python port does (the code, valid/invalid, or the very signature)`, async () => {
      const wrong: unknown[] = [];
      for (const [i, t] of texts.entries()) {
        const got = await answer(build, t.form, t.text);
        if (got !== py[i]) wrong.push([i, t.form, got, py[i], t.text.slice(27, 120)]);
        // A key the rule accepts with the test key's numbers signs as openssl does.
        if (t.rule === 'ok' && t.form.includes('PRIVATE') && got !== SIGNED) wrong.push([i, 'not openssl signature']);
      }
      expect(wrong).toEqual([]);
    }, 120_000);
  }
});

describe('JWK members (property, against the Python port)', () => {
  const member = fc.constantFrom(...MEMBERS);
  const jwkCase = fc.record({
    kind: fc.constantFrom('public' as const, 'private' as const),
    e: exponent,
    zeroAt: fc.option(member),
    d: fc.constantFrom<'absent' | 'null' | 'string'>('absent', 'absent', 'null', 'string'),
  });
  const samples = fc.sample(jwkCase, { numRuns: 200, seed: 7518 });
  const jwkOf = (c: (typeof samples)[number]): Record<string, unknown> => {
    const out: Record<string, unknown> = { kty: 'RSA' };
    for (const m of c.kind === 'public' ? (['n', 'e'] as const) : MEMBERS) {
      const v = m === 'e' ? (c.e > 0n ? b64url(c.e) : 'AA') : JWK[m];
      out[m] = c.zeroAt === m ? Buffer.concat([Buffer.alloc(1), Buffer.from(v as string, 'base64url')]).toString('base64url') : v;
    }
    if (c.kind === 'public' && c.d !== 'absent') out.d = c.d === 'null' ? null : JWK.d;
    return out;
  };
  const rule = (c: (typeof samples)[number]): string => {
    const eOk = [3n, 17n, 37n, 65537n].includes(c.e);
    const zeroOk = c.zeroAt === null || (c.kind === 'public' && c.zeroAt !== 'n' && c.zeroAt !== 'e');
    const consistent = c.kind === 'public' || c.e === 65537n;
    return eOk && zeroOk && consistent && (c.kind === 'private' || c.d === 'absent') ? 'ok' : 'ERR_NOPS_KEY';
  };
  const requests = samples.map((c) =>
    c.kind === 'private'
      ? { operation: 'sign', input: { url: '/nops_api/v1/billingGetTotal/', apiKey: DOC_KEY, date: '2022-01-10', privateKeyJwk: jwkOf(c) } }
      : { operation: 'verify', input: { message: DOC_MESSAGE, signature: SIGNATURE, publicKeyJwk: jwkOf(c) } },
  );
  const py = python(requests);

  it('the Python port answers what the rule says', () => {
    expect(py).toHaveLength(samples.length);
    const wrong = samples.flatMap((c, i) =>
      (py[i] === 'ERR_NOPS_KEY' ? 'ERR_NOPS_KEY' : 'ok') === rule(c) ? [] : [[i, py[i], rule(c), String(c.e), c.zeroAt, c.d]],
    );
    expect(wrong).toEqual([]);
  });

  for (const [name, build] of builds) {
    it(`${name}: answers each JWK as the Python port does`, async () => {
      const wrong: unknown[] = [];
      for (const [i, c] of samples.entries()) {
        const jwk = jwkOf(c);
        let got: string;
        try {
          got =
            c.kind === 'private'
              ? (await build.sign('/nops_api/v1/billingGetTotal/', { apiKey: DOC_KEY, date: '2022-01-10', privateKey: jwk as never }))
                  .signature
              : (await build.verify({ message: DOC_MESSAGE }, SIGNATURE, jwk as never)).ok
                ? 'valid'
                : 'invalid';
        } catch (err) {
          got = String((err as { code?: unknown }).code);
        }
        if (got !== py[i]) wrong.push([i, got, py[i], String(c.e), c.zeroAt, c.d]);
      }
      expect(wrong).toEqual([]);
    }, 60_000);
  }
});

describe('key objects', () => {
  const e1 = { kty: 'RSA', n: JWK.n!, e: 'AQ' };
  it('node:crypto: a public KeyObject with e = 1 is ERR_NOPS_KEY (OpenSSL imports it)', async () => {
    const keyObject = createPublicKey({ key: e1, format: 'jwk' });
    for (const [, build] of builds)
      expect(await codeOf(build.verify({ message: DOC_MESSAGE }, SIGNATURE, keyObject as never))).toBe('ERR_NOPS_KEY');
  });

  it('a public CryptoKey with e = 1 (node imports it) is ERR_NOPS_KEY, read from its algorithm', async () => {
    const key = await webcrypto.subtle.importKey('jwk', e1, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    // The forgery the rule stops: with e = 1, the EMSA encoding of the message is its own "signature".
    for (const [, build] of builds)
      expect(await codeOf(build.verify({ message: DOC_MESSAGE }, SIGNATURE, key as never))).toBe('ERR_NOPS_KEY');
  });

  it('a private key whose p is no prime but whose numbers agree is refused by the signature check, in both builds', async () => {
    // p' = p * 3 (not prime), d, dp, dq, qi recomputed so that every congruence of checkNumbers holds.
    const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
    const inv = (a: bigint, m: bigint): bigint => {
      let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
      while (r1 !== 0n) {
        const q = r0 / r1;
        [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
      }
      return ((s0 % m) + m) % m;
    };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const j = privateKey.export({ format: 'jwk' }) as Record<string, string>;
    let p = big(j.p!) * 3n;
    const q = big(j.q!);
    for (let f = 5n; gcd(65537n, p - 1n) !== 1n || gcd(p, q) !== 1n; f += 2n) p = big(j.p!) * f;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = inv(65537n, lambda);
    const k = { n: p * q, e: 65537n, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi: inv(q, p) };
    const jwk = { kty: 'RSA', ...Object.fromEntries(MEMBERS.map((m) => [m, b64url(k[m])])) };
    expect(k.n.toString(2).length).toBeGreaterThanOrEqual(1024);
    for (const [name, build] of builds) {
      const signing = build.sign('/p/', { apiKey: DOC_KEY, date: '2022-01-10', privateKey: jwk as never });
      expect(await codeOf(signing), name).toBe('ERR_NOPS_KEY');
    }
  });
});
