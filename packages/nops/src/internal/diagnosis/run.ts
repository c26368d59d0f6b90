import {
  assertKnownOptions,
  assertObject,
  assertString,
  firstDifference,
  formatDay,
  fromBase64,
  fromHex,
  stageOf,
  toHex,
  utf8,
  type Stage,
} from '@reqsign/canonical';
import type {
  NopsDiagnoseOptions,
  NopsDiagnosis,
  NopsFinding,
  NopsServerStages,
  NopsSignatureEncoding,
  NopsSignedAs,
  NopsUnexplained,
  NopsWitness,
} from '../../diagnose/api.js';
import { NopsError, invalidArgument } from '../../errors.js';
import type { PublicKeyInput } from '../../types.js';
import { verifyWith, type VerifyInput } from '../../verify.js';
import type { VerifyCrypto } from '../provider.js';
import { hypotheses, type Hypothesis } from './hypotheses.js';
import { digestOf, publicBlock, publicNumbers, readBlock, readPss, type PublicNumbers } from './open.js';
import { clientTarget, readNops } from './read.js';

const ORIGIN = /^https?:\/\/[^/?#\s]+$/i;

/**
 * The work budget of one diagnosis (README, "Cost"): at most `opens` RSA public operations on the signature (one per
 * key and reading of it that has the key's length), at most `digests` messages hashed and compared (singles and pairs
 * together; a PSS block adds one short hash each), and one re-verification of what matched.
 */
export const DIAGNOSIS_BUDGET: { readonly opens: number; readonly digests: number } = { opens: 4, digests: 48 };

/**
 * The bytes hashed by the search, at most: this many times the received message's length plus {@link PER_DIGEST}
 * (on a long URL, fewer than `digests` messages).
 */
const DIGEST_BYTES = 40;
const PER_DIGEST = 256;
/**
 * Above this size, a reading of the signature that verify did not open (one whose base64 reading has not the key's
 * length, such as hex: verify refuses it without an RSA operation) is not opened either: the operation would cost
 * dozens of such verifications.
 */
const MAX_BITS_UNVERIFIED_OPEN = 8192;

/** What a platform gives a diagnosis beside verify: a synchronous SHA-256 and a native RSA public operation, if any. */
export interface DiagnosisCrypto {
  /** SHA-256 of bytes. */
  sha256(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** `s^e mod n` of a signature under a public key input, as hex of the modulus's length; null to use JavaScript. */
  open?(publicKey: unknown, signature: Uint8Array): string | null;
  /** Verifies with RSA-PSS (SHA-256, MGF1-SHA-256) and a salt length, with the platform's RSA. */
  verifyPss(key: PublicNumbers, message: string, signature: Uint8Array, saltLength: number): Promise<boolean>;
  /** Verifies PKCS#1 v1.5 over another hash (`SHA-1`, `SHA-384`, `SHA-512`), with the platform's RSA. */
  verifyHash(key: PublicNumbers, hash: string, message: string, signature: Uint8Array): Promise<boolean>;
}

function strings(value: unknown, name: string): readonly string[] {
  if (value === undefined) return [];
  // A copy, with holes as undefined: every() skips the holes of a sparse array.
  const copy: unknown[] = Array.isArray(value) ? Array.from(value) : [0];
  if (!copy.every((v) => typeof v === 'string')) invalidArgument(`options.${name} must be an array of strings`);
  return copy as string[];
}

function checkOptions(options: NopsDiagnoseOptions | undefined) {
  if (options === undefined) return { expectedUrl: undefined, otherKeys: [], origins: [], prefixes: [] };
  assertObject(options, 'options', NopsError);
  assertKnownOptions(options, ['expectedUrl', 'otherKeys', 'origins', 'prefixes'], 'diagnose', NopsError);
  if (options.expectedUrl !== undefined) assertString(options.expectedUrl, 'options.expectedUrl', NopsError);
  const others = options.otherKeys ?? {};
  assertObject(others, 'options.otherKeys', NopsError);
  const origins = strings(options.origins, 'origins');
  if (!origins.every((o) => ORIGIN.test(o))) invalidArgument('options.origins must be scheme://host[:port], without a path');
  return { expectedUrl: options.expectedUrl, otherKeys: Object.entries(others), origins, prefixes: strings(options.prefixes, 'prefixes') };
}

const resolved = async <T>(value: T | Promise<T>): Promise<T> => (value instanceof Promise ? await value : value);

/** The signature read in each encoding a client may have written it in, with the bytes each gives. */
function readings(text: string, decode: (t: string) => Uint8Array): Array<{ encoding: NopsSignatureEncoding; bytes: Uint8Array }> {
  const out: Array<{ encoding: NopsSignatureEncoding; bytes: Uint8Array }> = [];
  const attempt = (encoding: NopsSignatureEncoding, fn: () => Uint8Array): void => {
    try {
      const bytes = fn();
      if (bytes.length > 0) out.push({ encoding, bytes });
    } catch {
      // not this encoding
    }
  };
  attempt('base64', () => decode(text));
  const stripped = text.replace(/[\r\n\t ]+/g, '');
  if (stripped !== text && stripped !== '') {
    const trailing = /^[^\r\n]*\r?\n$/.test(text);
    attempt(trailing ? 'base64 with a trailing newline' : 'base64 with line breaks', () => fromBase64(stripped));
  }
  if (/^[A-Za-z0-9_-]+={0,2}$/.test(stripped) && (/[-_]/.test(stripped) || stripped.length % 4 !== 0)) {
    const std = stripped.replace(/=+$/, '').replaceAll('-', '+').replaceAll('_', '/');
    attempt('base64url', () => fromBase64(std + '='.repeat((4 - (std.length % 4)) % 4)));
  }
  if (/^(?:[0-9a-fA-F]{2})+$/.test(stripped)) attempt('hex', () => fromHex(stripped.toLowerCase()));
  return out;
}

/** A way the client may have built its message, as parts to combine: the client id, the day, the target, the end. */
interface Part {
  readonly code: NopsFinding['code'] | null;
  readonly kind: string;
  readonly text: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

const DAY_FORMATS: ReadonlyArray<readonly [string, (y: string, m: string, d: string) => string]> = [
  ['YYYYMMDD', (y, m, d) => `${y}${m}${d}`],
  ['MM/DD/YYYY', (y, m, d) => `${m}/${d}/${y}`],
  ['DD/MM/YYYY', (y, m, d) => `${d}/${m}/${y}`],
  ['YYYY/MM/DD', (y, m, d) => `${y}/${m}/${d}`],
  ['DD.MM.YYYY', (y, m, d) => `${d}.${m}.${y}`],
];

const DAY_MS = 86_400_000;

/** The days a client may have signed instead: another zone's (the day before or after), the day before when no zone
gives it, 2 and 3 days before, the day in other formats, then 4 to 7 days before. */
function dayParts(day: string, zoneDays: readonly Hypothesis[]): Part[] {
  const out: Part[] = [];
  for (const z of zoneDays) out.push({ code: z.code, kind: `day ${(z.extra as { day: string }).day}`, text: z.text, extra: z.extra });
  const at = Date.parse(`${day}T00:00:00Z`);
  const stale = (back: number): Part => {
    const signed = formatDay(at - back * DAY_MS);
    return {
      code: 'DIAG_STALE_DAY',
      kind: `day ${signed}`,
      text: `the client signed ${signed}, ${back} ${back === 1 ? 'day' : 'days'} before ${day}: a stale day (a cached or reused signature, or a clock days off)`,
      extra: { day: signed, daysBefore: back },
    };
  };
  // The day before, when no zone's day is it at this instant (a signature reused the next day, not another zone's).
  const before = formatDay(at - DAY_MS);
  if (!zoneDays.some((z) => (z.extra as { day: string }).day === before)) out.push(stale(1));
  out.push(stale(2), stale(3));
  const [y, m, d] = day.split('-') as [string, string, string];
  for (const [format, write] of DAY_FORMATS) {
    if (DAY_FORMATS.findIndex(([, w]) => w(y, m, d) === write(y, m, d)) !== DAY_FORMATS.findIndex(([f]) => f === format)) continue;
    out.push({
      code: 'DIAG_DAY_FORMAT',
      kind: `day as ${format}`,
      text: `the client wrote the day as ${format} (${write(y, m, d)}); nOps signs YYYY-MM-DD (${day})`,
      extra: { format, dayText: write(y, m, d) },
    });
  }
  for (let back = 4; back <= 7; back++) out.push(stale(back));
  return out;
}

/** The diagnosis of one signature: see `diagnose` in diagnose.ts. */
export async function runDiagnosis(
  crypto: VerifyCrypto,
  platform: DiagnosisCrypto,
  input: VerifyInput,
  signature: unknown,
  publicKey: PublicKeyInput,
  options?: NopsDiagnoseOptions,
): Promise<NopsDiagnosis> {
  const extras = checkOptions(options);
  // verify checks the arguments and the key, and throws where it throws.
  const received = await verifyWith(crypto)(input, signature as string, publicKey);
  // Every other key is read as verify reads a key: one it would refuse (ERR_NOPS_KEY) is refused here too.
  for (const [, other] of extras.otherKeys) await resolved(crypto.key(other, 'public'));
  const read = readNops(input);
  // verify may have answered before it read the key (a rule of the request, the signature's encoding): a key it
  // would refuse is then no reason to reject here, only to try nothing with it.
  const usable = <T>(work: () => Promise<T> | T): Promise<T | null> =>
    Promise.resolve()
      .then(work)
      .catch(() => null);
  const numbers = await usable(() => publicNumbers(publicKey));
  const sha256Hex = (text: string): string | Promise<string> => {
    const d = platform.sha256(utf8(text));
    return d instanceof Promise ? d.then(toHex) : toHex(d);
  };

  // Opens: the RSA public operation on each reading of the signature of the key's length, within the budget.
  let opens = 0;
  const open = (key: unknown, n: PublicNumbers, bytes: Uint8Array): string | null => {
    if (bytes.length !== n.size || opens >= DIAGNOSIS_BUDGET.opens) return null;
    opens++;
    const native = key === null ? null : (platform.open?.(key, bytes) ?? null);
    return native ?? publicBlock(n, bytes);
  };
  const sigReadings = typeof signature === 'string' ? readings(signature, (t) => crypto.decodeSignature(t)) : [];
  const ownBlocks: Array<{ encoding: NopsSignatureEncoding; bytes: Uint8Array; block: string }> = [];
  const importKey = (input: unknown): Promise<unknown> => usable(() => resolved(crypto.key(input, 'public')));
  if (numbers !== null) {
    const key = await importKey(publicKey);
    // verify ran the RSA operation only when the strict base64 reading has the key's length.
    const verified = sigReadings.some((r) => r.encoding === 'base64' && r.bytes.length === numbers.size);
    for (const r of sigReadings) {
      if (!verified && numbers.bits > MAX_BITS_UNVERIFIED_OPEN) continue;
      const block = open(key, numbers, r.bytes);
      if (block !== null) ownBlocks.push({ ...r, block });
    }
  }
  const strict = ownBlocks.find((b) => b.encoding === 'base64');
  const opened = strict === undefined ? null : readBlock(strict.block);

  let server: NopsServerStages | null = null;
  if (read.message !== null) {
    server = {
      target: read.target,
      message: read.message,
      signature: typeof signature === 'string' ? signature : null,
      messageDigest: await resolved(sha256Hex(read.message)),
      signatureKey: opened?.kind ?? null,
      signedHash: opened?.kind === 'this-key' ? opened.hash : null,
      signedDigest: opened?.kind === 'this-key' ? opened.digest : null,
    };
  }
  const { clientId, day, apiKeyIn } = read.view;
  const apiKey = read.apiKey;
  const signedAs = (message: string): NopsSignedAs => ({
    message,
    differsAt: server === null ? -1 : firstDifference(message, server.message),
  });
  let client: NopsSignedAs | null = null;
  let expectedTarget: string | null = null;
  if (extras.expectedUrl !== undefined && clientId !== null && day !== null && apiKey !== null && server !== null) {
    expectedTarget = clientTarget(extras.expectedUrl, apiKey, apiKeyIn);
    if (expectedTarget !== null) client = signedAs(`${clientId}.${day}.${expectedTarget}`);
  }

  const findings: NopsFinding[] = [];
  let unexplained: NopsUnexplained | null = null;
  if (!received.ok) {
    const tried: string[] = [];
    let digests = 0;
    let exhausted = false;
    let reason: string | null = null;
    const possibilities: string[] = [];

    // What each key's blocks accept: PKCS#1 v1.5 digests (by hash) and PSS salts, by key name (null: this key).
    interface Acceptor {
      readonly keyName: string | null;
      readonly key: unknown;
      readonly numbers: PublicNumbers;
      readonly encoding: NopsSignatureEncoding;
      readonly bytes: Uint8Array;
      readonly hash?: string;
      readonly digest?: string;
      readonly pss?: { readonly salt: Uint8Array; readonly h: string };
      /** A key whose numbers cannot be read (a non-extractable CryptoKey): each message costs an RSA verification. */
      readonly imported?: unknown;
    }
    const acceptors: Acceptor[] = [];
    const addBlocks = async (keyName: string | null, key: unknown, n: PublicNumbers, blocks: typeof ownBlocks): Promise<void> => {
      for (const b of blocks) {
        const o = readBlock(b.block);
        if (o.kind === 'this-key')
          acceptors.push({ keyName, key, numbers: n, encoding: b.encoding, bytes: b.bytes, hash: o.hash, digest: o.digest });
        else {
          const pss = await readPss(n, b.block, (x) => platform.sha256(x));
          if (pss !== null) acceptors.push({ keyName, key, numbers: n, encoding: b.encoding, bytes: b.bytes, pss });
        }
      }
    };
    if (numbers !== null) await addBlocks(null, publicKey, numbers, ownBlocks);
    else {
      const imported = await importKey(publicKey);
      for (const r of sigReadings) {
        if (imported !== null && r.encoding === 'base64') {
          const n = { n: 0n, e: 0n, size: r.bytes.length, bits: r.bytes.length * 8 };
          acceptors.push({ keyName: null, key: publicKey, numbers: n, encoding: r.encoding, bytes: r.bytes, imported });
        }
      }
    }
    if (acceptors.length === 0) {
      for (const [name, other] of extras.otherKeys) {
        const n = await usable(() => publicNumbers(other));
        if (n === null || n.bits > MAX_BITS_UNVERIFIED_OPEN) continue;
        const blocks: typeof ownBlocks = [];
        const key = await importKey(other);
        for (const r of sigReadings) {
          const block = open(key, n, r.bytes);
          if (block !== null) blocks.push({ ...r, block });
        }
        await addBlocks(name, other, n, blocks);
        if (acceptors.length > 0) break;
      }
    }

    if (sigReadings.length === 0) reason = 'the signature decodes to no bytes in any encoding tried (base64, base64url, hex)';
    else if (numbers === null && acceptors.length === 0)
      reason = 'the public key cannot be read for a diagnosis (a non-extractable CryptoKey, or an unsupported size)';
    else if (server === null || clientId === null || day === null || read.target === null || apiKey === null)
      reason = 'no message can be built from the request (its API key, URL or day)';
    else if (acceptors.length === 0) {
      reason = `the signature opens to no PKCS#1 v1.5 or PSS block under this public key${extras.otherKeys.length > 0 ? ' or any of otherKeys' : ''}, in any encoding tried`;
      possibilities.push(
        'another private key made it (give its public key in otherKeys to prove it)',
        'its bytes were changed in transit',
        'a padding or digest this diagnosis does not try',
      );
    } else {
      const base = hypotheses({
        clientId,
        day,
        target: read.target,
        apiKey,
        apiKeyIn,
        failure: received.code,
        instant: read.instant,
        origins: [...new Set([read.view.origin ?? '', ...extras.origins].filter((o) => o !== ''))],
        prefixes: extras.prefixes,
        clientTarget: expectedTarget,
      });
      const prefix = `${clientId}.${day}.`;
      const zoneDays = base.filter((h) => h.code === 'DIAG_TIME_ZONE');
      const first = base[0]!;
      const targets: Part[] = base
        .slice(1)
        .filter((h) => h.code !== 'DIAG_TIME_ZONE' && h.message.startsWith(prefix))
        .map(
          (h) =>
            ({
              code: h.code,
              kind: h.code ?? 'target',
              text: h.text,
              ...(h.extra === undefined ? {} : { extra: h.extra }),
              target: h.message.slice(prefix.length),
            }) as Part & { target: string },
        );
      // The likeliest first: what expectedUrl says was signed, the host, the key's placement, then the target changes.
      const RANK = ['DIAG_HOST_SIGNED', 'DIAG_API_KEY_PLACEMENT', 'DIAG_TRAILING_SLASH', 'DIAG_EMPTY_QUERY', 'DIAG_QUERY_REORDERED'];
      const rank = (p: Part & { target?: string }): number =>
        p.target === expectedTarget ? -1 : RANK.includes(p.code ?? '') ? RANK.indexOf(p.code ?? '') : RANK.length;
      targets.sort((a, b) => rank(a) - rank(b));
      const days = dayParts(day, zoneDays);
      const ids: Part[] = [
        {
          code: 'DIAG_CLIENT_ID',
          kind: 'client id: the API key',
          text: `the client signed the whole API key as the client id; nOps signs its part before the first . (${clientId})`,
          extra: { signedClientId: 'api key', clientIdText: apiKey },
        },
      ];
      const after = apiKey.slice(apiKey.indexOf('.') + 1);
      if (after !== '') {
        ids.push({
          code: 'DIAG_CLIENT_ID',
          kind: 'client id: after the dot',
          text: `the client signed the API key's part after the . as the client id; nOps signs the part before it (${clientId})`,
          extra: { signedClientId: 'after the dot', clientIdText: after },
        });
      }
      const ends: Part[] = [
        {
          code: 'DIAG_MESSAGE_FRAMING',
          kind: 'a trailing newline',
          text: 'the client signed the message with a trailing newline (echo without -n, a file read with its newline)',
          extra: { framing: 'trailing newline', end: '\n' },
        },
        {
          code: 'DIAG_MESSAGE_FRAMING',
          kind: 'a trailing \\r\\n',
          text: 'the client signed the message with a trailing \\r\\n',
          extra: { framing: 'trailing CRLF', end: '\r\n' },
        },
      ];
      type H = { t?: Part & { target?: string }; d?: Part; c?: Part; e?: Part };
      const textOf = (h: H): string => {
        const id = (h.c?.extra?.['clientIdText'] as string | undefined) ?? clientId;
        const dayText = (h.d?.extra?.['dayText'] as string | undefined) ?? (h.d?.extra?.['day'] as string | undefined) ?? day;
        const target = h.t?.target ?? read.target!;
        return `${id}.${dayText}.${target}${(h.e?.extra?.['end'] as string | undefined) ?? ''}`;
      };
      const search = function* (): Generator<H> {
        yield {};
        for (const d of days.slice(0, 4)) yield { d };
        for (const e of ends) yield { e };
        for (const c of ids) yield { c };
        for (const t of targets.slice(0, 16)) yield { t };
        for (const d of days.slice(4)) yield { d };
        for (const d of days.slice(0, 4)) for (const e of ends.slice(0, 1)) yield { d, e };
        for (const c of ids) for (const d of days.slice(0, 4)) yield { c, d };
        for (const c of ids) for (const e of ends.slice(0, 1)) yield { c, e };
        for (const d of days.slice(0, 2)) for (const t of targets.slice(0, 4)) yield { d, t };
        for (const e of ends.slice(0, 1)) for (const t of targets.slice(0, 4)) yield { e, t };
        for (const t of targets.slice(16)) yield { t };
        for (const d of days.slice(4)) for (const t of targets.slice(0, 2)) yield { d, t };
        for (const c of ids.slice(0, 1)) for (const t of targets.slice(0, 2)) yield { c, t };
      };
      const seen = new Set<string>();
      const seenLong: string[] = [];
      const pkcs = acceptors.filter((a) => a.digest !== undefined && a.hash === 'SHA-256');
      const otherHash = acceptors.filter((a) => a.digest !== undefined && a.hash !== 'SHA-256' && a.hash !== 'unknown');
      const pss = acceptors.filter((a) => a.pss !== undefined);
      const verifyOnly = acceptors.filter((a) => a.imported !== undefined);
      let rsa = 0;
      let match: { h: H; text: string; a: Acceptor } | null = null;
      const byteBudget = DIGEST_BYTES * (read.message!.length + PER_DIGEST);
      let bytes = 0;
      for (const h of search()) {
        const text = textOf(h);
        if (text.length > 4 * (read.message!.length + 64)) continue;
        // Short texts in a Set; long ones compared by length first (hashing a long string costs more than its digest).
        if (text.length < 1024 ? seen.has(text) : seenLong.some((x) => x.length === text.length && x === text)) continue;
        if (text.length < 1024) seen.add(text);
        else seenLong.push(text);
        if (digests >= DIAGNOSIS_BUDGET.digests || bytes + text.length + PER_DIGEST > byteBudget) {
          exhausted = true;
          break;
        }
        digests++;
        bytes += text.length + PER_DIGEST;
        const parts = [h.c, h.d, h.t, h.e].filter((p): p is Part => p !== undefined);
        tried.push(
          parts.length === 0 ? (first.code === null ? 'the message as received' : first.text) : parts.map((p) => p.kind).join(' + '),
        );
        const answer = sha256Hex(text);
        const digest = typeof answer === 'string' ? answer : await answer;
        let hit = pkcs.find((a) => a.digest === digest);
        for (const a of otherHash) {
          if (hit !== undefined) break;
          if ((await digestOf(a.hash!, text)) === a.digest) hit = a;
        }
        for (const a of verifyOnly) {
          if (hit !== undefined || rsa >= DIAGNOSIS_BUDGET.opens * 2) break;
          rsa++;
          if (await resolved(crypto.verify(a.imported, text, a.bytes))) hit = a;
        }
        for (const a of pss) {
          if (hit !== undefined) break;
          const mp = new Uint8Array(8 + 32 + a.pss!.salt.length);
          mp.set(fromHex(digest), 8);
          mp.set(a.pss!.salt, 40);
          if (toHex(await resolved(platform.sha256(mp))) === a.pss!.h) hit = a;
        }
        if (hit !== undefined) {
          match = { h, text, a: hit };
          break;
        }
      }
      if (match !== null) {
        const { h, text, a } = match;
        // The witness, re-verified with the platform's RSA.
        const padding: NopsWitness['padding'] = a.pss === undefined ? 'PKCS#1 v1.5' : 'PSS';
        const hash = a.pss === undefined ? (a.hash ?? 'SHA-256') : 'SHA-256';
        let ok = false;
        if (a.imported !== undefined) ok = true;
        else if (a.pss !== undefined) ok = (await usable(() => platform.verifyPss(a.numbers, text, a.bytes, a.pss!.salt.length))) === true;
        else if (hash !== 'SHA-256') ok = (await usable(() => platform.verifyHash(a.numbers, hash, text, a.bytes))) === true;
        else {
          const key = await usable(() => resolved(crypto.key(a.key, 'public')));
          ok = key !== null && (await resolved(crypto.verify(key, text, a.bytes)));
        }
        if (ok) {
          const witness: NopsWitness = { keyName: a.keyName, encoding: a.encoding, padding, hash, message: text };
          const signed = signedAs(text);
          const list: NopsFinding[] = [];
          if (h.t === undefined && first.code !== null)
            list.push({ code: first.code, message: first.text, signed, witness, ...first.extra } as NopsFinding);
          for (const p of [h.c, h.d, h.t, h.e]) {
            if (p === undefined || p.code === null) continue;
            const { clientIdText: _c, dayText: _d, end: _e, ...extra } = (p.extra ?? {}) as Record<string, unknown>;
            list.push({ code: p.code, message: p.text, signed, witness, ...extra } as NopsFinding);
          }
          if (a.keyName !== null) {
            const message = `the signature verifies with the key ${a.keyName}, not with this public key`;
            list.push({ code: 'DIAG_OTHER_KEY', message, signed, witness, keyName: a.keyName });
          }
          if (padding === 'PSS') {
            const message = 'the client signed with RSA-PSS (SHA-256, MGF1); nOps signs RSASSA-PKCS1-v1_5 with SHA-256';
            list.push({ code: 'DIAG_PADDING', message, signed, witness });
          }
          if (padding === 'PKCS#1 v1.5' && hash !== 'SHA-256') {
            const message = `this key signed the message over a ${hash} digest; nOps signs SHA-256 (RSASSA-PKCS1-v1_5 with SHA-256)`;
            list.push({ code: 'DIAG_HASH_ALGORITHM', message, signed, witness, hash });
          }
          if (a.encoding !== 'base64') {
            const message = `the signature is right, written as ${a.encoding}; nOps takes strict padded base64 without line breaks`;
            list.push({ code: 'DIAG_SIGNATURE_ENCODING', message, signed, witness, encoding: a.encoding });
          }
          // The signed message never holds the fragment (the target read is the part before it): whatever else was
          // signed, the `#` and what follows it arrived unsigned, and verify refuses that tail.
          if (read.view.fragment !== null) {
            const message = `the URL arrived with #${read.view.fragment} after what the client signed: a fragment is never sent or signed, so verify refuses it as an unsigned tail (a server that keeps it, as Node's req.url may, should cut it before verifying)`;
            list.push({ code: 'DIAG_FRAGMENT_RECEIVED', message, signed, witness });
          }
          findings.push(...list);
        } else reason = `the digest of ${JSON.stringify(text)} matched the signature's block, but the platform's RSA did not verify it`;
      } else {
        possibilities.push(
          `the signature opens to a ${acceptors[0]!.pss === undefined ? 'PKCS#1 v1.5' : 'PSS'} block under ${acceptors[0]!.keyName ?? 'this public key'}: that key signed a message this diagnosis did not try (see tried)`,
        );
      }
    }
    if (findings.length === 0) unexplained = { tried, digests, budget: DIAGNOSIS_BUDGET.digests, exhausted, reason, possibilities };
  }
  return {
    scheme: 'nops',
    valid: received.ok,
    code: received.ok ? null : received.code,
    message: received.ok ? null : received.message,
    request: read.view,
    server,
    client,
    findings,
    witness: findings[0]?.witness ?? null,
    unexplained,
    stages: server === null ? [] : stagesOf(server, client, findings),
  };
}

const KEY_WORDS = {
  'this-key': (hash: string | null) => `this public key made the signature (over a ${hash} digest)`,
  'other-key': () => 'no PKCS#1 v1.5 block under this public key (another key, another padding, or changed bytes)',
} as const;

/** The stages for display: see NopsDiagnosis.stages. */
function stagesOf(server: NopsServerStages, client: NopsSignedAs | null, findings: readonly NopsFinding[]): Stage[] {
  const proven = findings.find((f) => f.signed.differsAt !== -1)?.signed ?? null;
  const signed = proven !== null && proven.message !== client?.message ? proven : null;
  const key =
    server.signatureKey === null
      ? 'cannot tell (the key or the signature cannot be read)'
      : KEY_WORDS[server.signatureKey](server.signedHash);
  return [
    stageOf('target', [['received', server.target]]),
    stageOf('message', [
      ['received', server.message],
      ['client', client?.message ?? null],
      ['signed', signed?.message ?? null],
    ]),
    stageOf('digest', [
      ['message', server.messageDigest],
      ['signed', server.signedDigest],
    ]),
    stageOf('signature', [['carried', server.signature]]),
    stageOf('key', [['made by', key]]),
  ];
}
