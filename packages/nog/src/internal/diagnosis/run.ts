import { appendQuery, assertObject, assertString, firstDifference, stageOf, timingSafeEqual, type Stage } from '@reqsign/canonical';
import type {
  DiagnoseOptions,
  NogClientStages,
  NogDiagnosis,
  NogFinding,
  NogServerStages,
  NogSignedAs,
  NogUnexplained,
  NogWitness,
} from '../../diagnose/api.js';
import { AUTH_MESSAGES, NogError } from '../../errors.js';
import type { NonceStore } from '../../nonceStore.js';
import type { VerifyResult } from '../../verify.js';
import { resolveVerifierOptions, VERIFIER_OPTION_NAMES, verifyRequest, type VerifierConfig } from '../checks.js';
import type { CryptoProvider } from '../provider.js';
import {
  CLIENT_TARGET_KIND,
  frame,
  frameAlternatives,
  methodAlternatives,
  originAlternatives,
  secretAlternatives,
  signatureReadings,
  targetAlternatives,
  lazyList,
  type Alternative,
  type Frame,
  type FrameAlternative,
  type MethodAlternative,
  type OriginAlternative,
  type SecretAlternative,
  type TargetAlternative,
} from './hypotheses.js';
import { checkExtras, keyEntries } from './options.js';
import { clientSignedPart, fragmentAuth, readRequest, type ReadRequest } from './read.js';

/** A nonce store that claims nothing and says every nonce is new: a diagnosis must never burn a request's nonce. */
const UNCLAIMED: NonceStore = { claim: () => true };

const secretOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const seconds = (ms: number): number => Math.round(ms / 1000);

/**
 * The work budget of one diagnosis (README, "Cost"): at most `hmacs` HMACs, each over a string to sign no longer
 * than the received one plus an origin, a fragment and a few framing characters, singles and pairs together, and at
 * most `verifications` re-verifications of an HMAC that matched (each one HMAC, two with a clock moved). The
 * signature's encodings and the clock cost no HMAC. The search stops at the budget and says so.
 */
export const DIAGNOSIS_BUDGET: { readonly hmacs: number; readonly verifications: number } = { hmacs: 24, verifications: 1 };

/**
 * The work of a hypothesis, in units of about a byte hashed: its string to sign's length (twice for a string with
 * non-ASCII characters, which is transcoded to UTF-8 first), plus {@link PER_HMAC} for the call; building the target
 * alternatives counts twice the length of each (a pass over the target and a copy), whether used or not. The budget
 * is `DIAGNOSIS_BUDGET.hmacs` times the work of one HMAC over the received string to sign: on any input, at most the
 * work of that many HMACs over it.
 */
const PER_HMAC = 384;
const NON_ASCII = /[^\u0000-\u007f]/;

/** Target alternatives listed at most; secrets besides the key id's own tried at most. */
const MAX_TARGETS = 24;
const MAX_SECRETS = 8;

/** A hypothesis: at most one alternative on each dimension, the request as received on the others. */
interface Hypothesis {
  readonly m?: MethodAlternative;
  readonly o?: OriginAlternative;
  readonly t?: TargetAlternative;
  readonly f?: FrameAlternative;
  readonly s?: SecretAlternative;
}

const alternatives = (h: Hypothesis): Alternative[] => [h.s, h.m, h.o, h.t, h.f].filter((a): a is NonNullable<typeof a> => a !== undefined);

interface Context {
  readonly provider: CryptoProvider;
  readonly config: VerifierConfig;
  readonly lookup: (id: string) => unknown;
  readonly method: string;
  readonly read: ReadRequest;
  readonly keyId: string;
  readonly carried: string;
  readonly nowMs: number;
  /** The target as received, up to `&authsignature` (or without it). */
  readonly target: string;
}

const LOOKUP_FAILED = new Error('key lookup failed');

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** A key lookup's answer within `ms`, else a rejection with {@link LOOKUP_FAILED} (never the store's own error). */
function bounded(run: () => unknown, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(LOOKUP_FAILED), ms);
  });
  const settled = Promise.resolve()
    .then(run)
    .catch(() => Promise.reject(LOOKUP_FAILED));
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/**
 * Verifies the request as received, its signature re-encoded as lowercase hex, with the HMAC step computed over the
 * hypothesis's string to sign under its secret (the real primitive), at clock `at`: every other check of the
 * verifier (key, dates, limits) runs as it does for the request.
 */
function verifyUnder(x: Context, stringToSign: string, secret: string | undefined, hex: string, at: number): Promise<VerifyResult> {
  const received = `${x.method}\n${x.target}\n`;
  const provider: CryptoProvider = {
    hmacHex: (key, data) => x.provider.hmacHex(key, data === received ? stringToSign : data),
    randomFill: (bytes) => x.provider.randomFill(bytes),
  };
  const lookup = secret === undefined ? x.lookup : (id: string) => (id === x.keyId ? secret : x.lookup(id));
  const config: VerifierConfig = { ...x.config, now: () => at, lookup };
  return Promise.resolve(verifyRequest(config, provider, x.method, appendQuery(x.target, `authsignature=${hex}`)));
}

/** The UTC offset (minutes) of a local time written with Z, when `ms` is a whole number of quarter hours within a minute. */
function zoneOffset(ms: number): number | null {
  const s = ms / 1000;
  const q = Math.round(s / 900) * 900;
  return q !== 0 && Math.abs(s - q) <= 60 && q >= -720 * 60 && q <= 840 * 60 ? q / 60 : null;
}

interface Match {
  readonly h: Hypothesis;
  readonly stringToSign: string;
  readonly encoding: NogWitness['encoding'];
  readonly hex: string;
}

/**
 * The findings of a matched HMAC: each alternative's, the encoding's, and a clock finding when the request verifies
 * only with the verifier's clock moved to the authdate (skew) or the deadline (expiry); a replay when the verifier
 * reported the nonce as seen. Null when the request does not verify even so (then it is no finding).
 */
async function confirm(x: Context, match: Match, signed: NogSignedAs, failure: string | undefined): Promise<NogFinding[] | null> {
  const { h, stringToSign, hex, encoding } = match;
  const witnessAt = (at: number): NogWitness => ({
    keyId: h.s?.secretName !== undefined && h.s.code === 'DIAG_KEY_ID_TYPO' ? h.s.secretName : x.keyId,
    secretName: h.s?.secretName ?? null,
    method: h.m?.method ?? x.method,
    stringToSign,
    encoding,
    signature: x.carried,
    verifiedAt: new Date(at),
  });
  const own = (witness: NogWitness): NogFinding[] => {
    const list = alternatives(h).map((a) => ({ code: a.code, message: a.message, signed, witness, ...a.extra }) as NogFinding);
    if (h.t === undefined && !x.read.signatureLast) {
      const message =
        'authsignature is not at the end of the query, where a signer puts it: the client put it there, or it was moved in transit: the two cannot be told apart';
      list.push({ code: 'DIAG_QUERY_REORDERED', message, signed, witness });
    }
    if (encoding !== 'hex') {
      const message = `the signature is the right HMAC written as ${encoding}; nog-v1 sends it as 64 lowercase hex digits`;
      list.push({ code: 'DIAG_SIGNATURE_ENCODING', message, signed, witness, encoding });
    }
    // A fragment after authsignature that the client did not sign (a signed one is DIAG_FRAGMENT_SIGNED).
    const fragment = x.read.parts?.fragment ?? null;
    if (fragment !== null && h.t?.code !== 'DIAG_FRAGMENT_SIGNED') {
      const message = `the URL arrived with #${fragment} after authsignature, an unsigned tail that nog-v1 refuses: an HTTP client never sends a fragment, so a client or proxy that should have dropped it wrote it into the request line`;
      list.push({ code: 'DIAG_FRAGMENT_RECEIVED', message, signed, witness });
    }
    return list;
  };
  const secret = h.s?.secret;
  const now = await verifyUnder(x, stringToSign, secret, hex, x.nowMs);
  if (now.ok) {
    const witness = witnessAt(x.nowMs);
    const list = own(witness);
    if (list.length === 0 && failure === 'ERR_AUTH_NONCE_INVALID' && x.read.auth.has('authnonce')) {
      const message =
        'the request is valid, but its nonce was seen before: it was sent twice (a retry or a replay); sign each request anew';
      return [{ code: 'DIAG_NONCE_REPLAYED', message, signed, witness }];
    }
    return list;
  }
  const { authMs, deadlineMs } = x.read;
  if (now.code === 'ERR_AUTH_DATE_FUTURE' && authMs !== null && (await verifyUnder(x, stringToSign, secret, hex, authMs)).ok) {
    const witness = witnessAt(authMs);
    const offsetSeconds = seconds(authMs - x.nowMs);
    const maxClockSkew = seconds(x.config.skewMs);
    const utcOffsetMinutes = zoneOffset(authMs - x.nowMs);
    const zone =
      utcOffsetMinutes === null
        ? ''
        : `; that is a local time in UTC${clock(utcOffsetMinutes)} written with Z, or a clock off by that much: the two cannot be told apart`;
    const message = `the authdate is ${offsetSeconds} s ahead of the verifier's clock (at most ${maxClockSkew} s allowed): the client's clock or the verifier's is off by about that much${zone}`;
    return [...own(witness), { code: 'DIAG_CLOCK_SKEW', message, signed, witness, offsetSeconds, maxClockSkew, utcOffsetMinutes }];
  }
  if (now.code === 'ERR_AUTH_SIG_EXPIRED' && deadlineMs !== null && (await verifyUnder(x, stringToSign, secret, hex, deadlineMs)).ok) {
    const witness = witnessAt(deadlineMs);
    const bySeconds = seconds(x.nowMs - deadlineMs);
    const expiresAt = new Date(deadlineMs);
    const utcOffsetMinutes = authMs === null || bySeconds < 60 ? null : zoneOffset(authMs - x.nowMs);
    const zone =
      utcOffsetMinutes === null
        ? ''
        : `; the authdate lies a whole UTC${clock(utcOffsetMinutes)} behind: a local time in UTC${clock(utcOffsetMinutes)} written with Z, or a URL used that late (or a clock off by that much): the two cannot be told apart`;
    const message = `the signature expired ${bySeconds} s before the verifier's time (its deadline, authdate + authexpires, was ${expiresAt.toISOString()})${zone}`;
    return [...own(witness), { code: 'DIAG_EXPIRED', message, signed, witness, bySeconds, expiresAt, utcOffsetMinutes }];
  }
  return null;
}

const clock = (m: number): string =>
  `${m < 0 ? '-' : '+'}${String(Math.floor(Math.abs(m) / 60)).padStart(2, '0')}:${String(Math.abs(m) % 60).padStart(2, '0')}`;

const take = <T>(list: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const x of list) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
};

/**
 * Every hypothesis, the likeliest first: the request as received; single alternatives (the first targets, every
 * framing, the first methods, every origin, the first secrets); pairs of the first few alternatives of two
 * dimensions; then the rest of the singles. The caller stops at the budget.
 */
function* search(
  own: boolean,
  dims: {
    m: readonly MethodAlternative[];
    o: readonly OriginAlternative[];
    t: Iterable<TargetAlternative>;
    f: readonly FrameAlternative[];
    s: readonly SecretAlternative[];
    /** The origin of an absolute `expectedUrl`: tried with its target right after it (the client signed both). */
    clientOrigin?: OriginAlternative | undefined;
  },
): Generator<Hypothesis> {
  const { m, o, f, s } = dims;
  const t = (n: number): TargetAlternative[] => take(dims.t, n);
  if (own) {
    yield {};
    for (const a of t(6)) {
      yield { t: a };
      if (a.kind === CLIENT_TARGET_KIND && dims.clientOrigin !== undefined) yield { o: dims.clientOrigin, t: a };
    }
    for (const a of f.slice(0, 4)) yield { f: a };
    for (const a of m.slice(0, 3)) yield { m: a };
    for (const a of o) yield { o: a };
  }
  for (const a of s.slice(0, 3)) yield { s: a };
  if (own) {
    for (const a of o) for (const b of t(3)) yield { o: a, t: b };
    for (const a of m.slice(0, 2)) for (const b of o) yield { m: a, o: b };
    for (const a of m.slice(0, 2)) for (const b of f.slice(0, 2)) yield { m: a, f: b };
    for (const a of o) for (const b of f.slice(0, 2)) yield { o: a, f: b };
    for (const a of f.slice(0, 2)) for (const b of t(3)) yield { f: a, t: b };
  }
  for (const a of s.slice(0, 2)) for (const b of f.slice(0, 2)) yield { s: a, f: b };
  if (own) {
    for (const a of m.slice(0, 2)) for (const b of t(3)) yield { m: a, t: b };
    for (const a of t(Number.MAX_SAFE_INTEGER).slice(6)) yield { t: a };
    for (const a of f.slice(4)) yield { f: a };
    for (const a of m.slice(3)) yield { m: a };
  }
  for (const a of s.slice(3)) yield { s: a };
  for (const a of s.slice(0, 2)) for (const b of t(3)) yield { s: a, t: b };
}

const kindOf = (h: Hypothesis): string => {
  const kinds = alternatives(h).map((a) => a.kind);
  return kinds.length === 0 ? 'the request as received' : kinds.join(' + ');
};

/** diagnose's options: the verifier's, and its own. */
const DIAGNOSE_OPTION_NAMES: readonly string[] = [
  ...VERIFIER_OPTION_NAMES,
  'expectedUrl',
  'failure',
  'origins',
  'prefixes',
  'otherSecrets',
];

/** The diagnosis of one request: see `diagnose` in diagnose.ts. */
export async function runDiagnosis(provider: CryptoProvider, method: string, url: string, options: DiagnoseOptions): Promise<NogDiagnosis> {
  assertString(method, 'method', NogError);
  assertString(url, 'url', NogError);
  assertObject(options, 'options', NogError);
  const extras = checkExtras(options);
  const config = resolveVerifierOptions({ ...options, nonceStore: UNCLAIMED }, DIAGNOSE_OPTION_NAMES, 'diagnose');
  const nowMs = config.now();
  // Each key is looked up once per diagnosis, however many hypotheses ask, and within the verifier's timeout: a
  // store that throws or never answers is ERR_AUTH_KEY_LOOKUP, as for the verifier, its error not passed on.
  const looked = new Map<string, unknown>();
  const lookup = (id: string): unknown => {
    if (looked.has(id)) return looked.get(id);
    let v: unknown;
    try {
      const answer = config.lookup(id);
      v = isThenable(answer) ? bounded(() => answer, config.keyLookupTimeoutMs) : answer;
    } catch {
      v = Promise.reject(LOOKUP_FAILED);
    }
    if (v instanceof Promise) v.catch(() => undefined);
    looked.set(id, v);
    return v;
  };
  const asReceived = readRequest(url, config.urlOptions.maxLength, config.defaultExpires);
  // Auth parameters that arrived inside the fragment are read from the query they were meant for; the target with
  // the fragment is then the first hypothesis.
  const moved = fragmentAuth(asReceived);
  const read = moved === null ? asReceived : readRequest(moved.url, config.urlOptions.maxLength, config.defaultExpires);
  const keyId = read.auth.get('authkeyid') ?? null;
  const carried = read.auth.get('authsignature') ?? null;
  const answer = verifyRequest({ ...config, now: () => nowMs, lookup }, provider, method, url);
  const received = answer instanceof Promise ? await answer : answer;
  // A valid request whose nonce the verifier reported as seen: the diagnosis cannot ask the store (it would claim).
  const replayed = received.ok && extras.failure === 'ERR_AUTH_NONCE_INVALID' && read.auth.has('authnonce');
  let lookupFailed = !received.ok && received.code === 'ERR_AUTH_KEY_LOOKUP';
  let secret: string | null = null;
  if (keyId !== null && !lookupFailed) {
    try {
      const v = lookup(keyId);
      secret = secretOf(isThenable(v) ? await v : v);
    } catch {
      lookupFailed = true;
    }
  }

  let server: NogServerStages | null = null;
  if (read.signedPart !== null) {
    const stringToSign = `${method}\n${read.signedPart}\n`;
    const expectedSignature = secret === null ? null : await provider.hmacHex(secret, stringToSign);
    const signatureMatches = expectedSignature !== null && carried !== null && timingSafeEqual(expectedSignature, carried);
    server = { method, target: read.signedPart, stringToSign, expectedSignature, carriedSignature: carried, signatureMatches };
  }

  let client: NogClientStages | null = null;
  let clientOrigin = '';
  let clientFragment: string | null = null;
  if (extras.expectedUrl !== undefined && server !== null) {
    const expected = readRequest(extras.expectedUrl, Number.MAX_SAFE_INTEGER, config.defaultExpires, false);
    const part = clientSignedPart(expected, read);
    if (part !== null) {
      clientOrigin = expected.parts!.origin;
      clientFragment = expected.parts!.fragment;
      const stringToSign = `${method}\n${part.target}\n`;
      const differsAt = firstDifference(stringToSign, server.stringToSign);
      const expectedSignature = secret === null ? null : await provider.hmacHex(secret, stringToSign);
      client = { method, origin: '', target: part.target, stringToSign, differsAt, expectedSignature, carriedSignature: part.signature };
    }
  }

  const findings: NogFinding[] = [];
  let unexplained: NogUnexplained | null = null;
  const invalid = !received.ok || replayed;
  if (invalid) {
    const tried: string[] = [];
    let hmacs = 0;
    let exhausted = false;
    let reason: string | null = null;
    const readings = carried === null ? [] : signatureReadings(carried);
    const secrets = [...extras.otherSecrets, ...keyEntries(options.keys).filter(([id]) => id !== keyId)];
    if (lookupFailed) reason = 'the key lookup failed or did not answer in time: nothing could be tried';
    else if (server === null || keyId === null || carried === null)
      reason = 'the request carries no signed target, key id or signature to test';
    else if (readings.length === 0) reason = 'authsignature is not 32 bytes in any encoding tried (hex, uppercase hex, base64, base64url)';
    else {
      const x: Context = { provider, config, lookup, method, read, keyId, carried, nowMs, target: server.target };
      const origins = [...new Set([read.parts?.origin ?? '', ...extras.origins, clientOrigin].filter((o) => o !== ''))];
      const fragment = clientFragment ?? read.parts?.fragment ?? null;
      const budget = DIAGNOSIS_BUDGET.hmacs * ((NON_ASCII.test(server.stringToSign) ? 2 : 1) * server.stringToSign.length + PER_HMAC);
      const meter = { work: 0, limit: budget };
      const targets = lazyList(
        targetAlternatives({
          signedPart: server.target,
          signatureLast: read.signatureLast,
          beforeSignature: read.beforeSignature,
          appendedAfter: read.appendedAfter,
          fragment,
          authAfterFragment: moved?.signed ?? null,
          prefixes: extras.prefixes,
          clientTarget: client?.target ?? null,
          max: MAX_TARGETS,
          meter,
        }),
      );
      const originList = originAlternatives(origins);
      const dims = {
        clientOrigin: clientOrigin === '' ? undefined : originList.find((a) => a.origin === clientOrigin),
        m: methodAlternatives(method),
        o: originList,
        t: targets,
        f: frameAlternatives(),
        s: secretAlternatives(
          keyId,
          secret !== null,
          secrets.filter(([, s]) => s !== secret),
          [],
          MAX_SECRETS,
        ),
      };
      if (secret === null && dims.s.length === 0) reason = `key id ${keyId} is unknown, and no other secret is known to try`;
      // Short strings in a Set; long ones compared by length first (hashing a long string costs more than its HMAC).
      const seenShort = new Set<string>();
      const seen: Array<readonly [string, string]> = [];
      const asciiTarget = !NON_ASCII.test(server.target);
      const ascii = new WeakMap<TargetAlternative, boolean>();
      let verifications = 0;
      let work = 0;
      for (const h of search(secret !== null, dims)) {
        const method_ = h.m?.method ?? method;
        const stringToSign = frame(h.f?.frame ?? ('standard' as Frame), method_, (h.o?.origin ?? '') + (h.t?.target ?? server.target));
        const key = h.s?.secret ?? secret!;
        const name = h.s?.secretName ?? '';
        if (stringToSign.length < 1024) {
          const id = `${name}\n${stringToSign}`;
          if (seenShort.has(id)) continue;
          seenShort.add(id);
        } else {
          if (seen.some(([n, x]) => n === name && x.length === stringToSign.length && x === stringToSign)) continue;
          seen.push([name, stringToSign]);
        }
        let isAscii = asciiTarget;
        if (h.t !== undefined) {
          let a = ascii.get(h.t);
          if (a === undefined) {
            a = !NON_ASCII.test(h.t.target);
            ascii.set(h.t, a);
          }
          isAscii = a;
        }
        const cost = (isAscii ? 1 : 2) * stringToSign.length + PER_HMAC;
        if (work + meter.work + cost > budget || hmacs >= DIAGNOSIS_BUDGET.hmacs || verifications >= DIAGNOSIS_BUDGET.verifications) {
          exhausted = true;
          break;
        }
        work += cost;
        meter.limit = budget - work;
        hmacs++;
        tried.push(kindOf(h));
        const answer = provider.hmacHex(key, stringToSign);
        const hmac = typeof answer === 'string' ? answer : await answer;
        const reading = readings.find((r) => timingSafeEqual(r.hex, hmac));
        if (reading === undefined) continue;
        // The client signed exactly this: no other string to sign has the same HMAC. Its verification is the proof.
        verifications++;
        const signed: NogSignedAs = {
          method: method_,
          origin: h.o?.origin ?? '',
          target: h.t?.target ?? server.target,
          stringToSign,
          differsAt: firstDifference(stringToSign, server.stringToSign),
        };
        const found = await confirm(x, { h, stringToSign, encoding: reading.encoding, hex: reading.hex }, signed, extras.failure);
        if (found !== null) {
          findings.push(...found);
          break;
        }
        reason = `the signature is the HMAC of ${JSON.stringify(stringToSign)} (${kindOf(h)}), but the request does not verify even so`;
        break;
      }
    }
    if (findings.length === 0) unexplained = { tried, hmacs, budget: DIAGNOSIS_BUDGET.hmacs, exhausted, reason };
  }

  const code = received.ok ? (replayed ? 'ERR_AUTH_NONCE_INVALID' : null) : received.code;
  const parts = asReceived.parts;
  return {
    scheme: 'nog-v1',
    valid: code === null,
    code,
    message: code === null ? null : received.ok ? AUTH_MESSAGES[code] : received.message,
    request: {
      method,
      url,
      origin: parts?.origin ?? null,
      path: parts?.path ?? null,
      query: parts?.query ?? null,
      fragment: parts?.fragment ?? null,
      parameters: read.parameters,
      keyId,
      authdate: read.authMs === null ? null : new Date(read.authMs),
      expiresAt: read.deadlineMs === null ? null : new Date(read.deadlineMs),
      now: new Date(nowMs),
    },
    server,
    client,
    findings,
    witness: findings[0]?.witness ?? null,
    unexplained,
    stages: server === null ? [] : stagesOf(server, client, findings),
  };
}

/** The stages for display: see NogDiagnosis.stages. */
function stagesOf(server: NogServerStages, client: NogClientStages | null, findings: readonly NogFinding[]): Stage[] {
  const proven = findings.find((f) => f.signed.differsAt !== -1)?.signed ?? null;
  const signed = proven !== null && proven.stringToSign !== client?.stringToSign ? proven : null;
  return [
    stageOf('target', [
      ['received', server.target],
      ['client', client?.target ?? null],
      ['signed', signed === null ? null : signed.origin + signed.target],
    ]),
    stageOf('string to sign', [
      ['received', server.stringToSign],
      ['client', client?.stringToSign ?? null],
      ['signed', signed?.stringToSign ?? null],
    ]),
    stageOf('signature', [
      ['expected', server.expectedSignature],
      ['carried', server.carriedSignature],
    ]),
  ];
}
