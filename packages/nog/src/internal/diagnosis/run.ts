import { appendQuery, assertObject, assertString, firstDifference, stageOf, timingSafeEqual, type Stage } from '@reqsign/canonical';
import type { DiagnoseOptions, NogClientStages, NogDiagnosis, NogFinding, NogServerStages, NogSignedAs } from '../../diagnose/api.js';
import { AUTH_MESSAGES, NogError } from '../../errors.js';
import type { NonceStore } from '../../nonceStore.js';
import type { VerifyResult } from '../../verify.js';
import { resolveVerifierOptions, verifyRequest, type VerifierConfig } from '../checks.js';
import type { CryptoProvider } from '../provider.js';
import { hypotheses, type Hypothesis } from './hypotheses.js';
import { checkExtras, keyEntries } from './options.js';
import { clientSignedPart, readRequest, type ReadRequest } from './read.js';

/** A nonce store that claims nothing and says every nonce is new: a diagnosis must never burn a request's nonce. */
const UNCLAIMED: NonceStore = { claim: () => true };

/** A provider that verifies as if the client had signed `origin` in front of the target. */
function withOrigin(provider: CryptoProvider, origin: string): CryptoProvider {
  return {
    hmacHex: (secret, data) => {
      const nl = data.indexOf('\n') + 1;
      return provider.hmacHex(secret, data.slice(0, nl) + origin + data.slice(nl));
    },
    randomFill: (bytes) => provider.randomFill(bytes),
  };
}

const secretOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const seconds = (ms: number): number => Math.round(ms / 1000);

interface Context {
  readonly provider: CryptoProvider;
  readonly config: VerifierConfig;
  readonly lookup: (id: string) => unknown;
  readonly method: string;
  readonly url: string;
  readonly read: ReadRequest;
  readonly keyId: string;
  readonly carried: string;
  readonly nowMs: number;
}

/** Verifies the request as hypothesis `h` says the client signed it, with the clock at `at`. */
function verifyUnder(x: Context, h: Hypothesis, at: number): Promise<VerifyResult> {
  const { secret } = h;
  const lookup = secret === undefined ? x.lookup : (id: string) => (id === x.keyId ? secret : x.lookup(id));
  const config: VerifierConfig = { ...x.config, now: () => at, lookup };
  const asReceived = h.target === x.read.signedPart && x.read.signatureLast;
  const url = asReceived ? x.url : appendQuery(h.target, `authsignature=${x.carried}`);
  return Promise.resolve(verifyRequest(config, h.origin === '' ? x.provider : withOrigin(x.provider, h.origin), h.method, url));
}

/**
 * The findings a hypothesis whose HMAC matched proves: its own change when the request verifies under it, plus a
 * clock finding when it verifies only with the verifier's clock moved to the authdate (skew) or to the deadline
 * (expiry), plus a replay when the verifier reported the nonce as seen. None when it does not verify even so.
 */
async function confirm(x: Context, h: Hypothesis, signed: NogSignedAs, failure: string | undefined): Promise<NogFinding[]> {
  const own = h.code === null ? [] : [{ code: h.code, message: h.message, signed, ...extra(h) } as NogFinding];
  const now = await verifyUnder(x, h, x.nowMs);
  if (now.ok) {
    const replayed = h.code === null && failure === 'ERR_AUTH_NONCE_INVALID' && x.read.auth.has('authnonce');
    const message = 'the request is valid, but its nonce was seen before: it was sent twice (a retry or a replay); sign each request anew';
    return replayed ? [{ code: 'DIAG_NONCE_REPLAYED', message, signed }] : own;
  }
  const { authMs, deadlineMs } = x.read;
  if (now.code === 'ERR_AUTH_DATE_FUTURE' && authMs !== null && (await verifyUnder(x, h, authMs)).ok) {
    const offsetSeconds = seconds(authMs - x.nowMs);
    const maxClockSkew = seconds(x.config.skewMs);
    const message = `the authdate is ${offsetSeconds} s ahead of the verifier's clock (at most ${maxClockSkew} s allowed): the client's clock or the verifier's is off by about that much`;
    return [...own, { code: 'DIAG_CLOCK_SKEW', message, signed, offsetSeconds, maxClockSkew }];
  }
  if (now.code === 'ERR_AUTH_SIG_EXPIRED' && deadlineMs !== null && (await verifyUnder(x, h, deadlineMs)).ok) {
    const bySeconds = seconds(x.nowMs - deadlineMs);
    const expiresAt = new Date(deadlineMs);
    const message = `the signature expired ${bySeconds} s before the verifier's time (its deadline, authdate + authexpires, was ${expiresAt.toISOString()})`;
    return [...own, { code: 'DIAG_EXPIRED', message, signed, bySeconds, expiresAt }];
  }
  return [];
}

function extra(h: Hypothesis): object {
  if (h.code === 'DIAG_WRONG_SECRET') return { secretName: h.secretName ?? null };
  if (h.code === 'DIAG_MOUNT_PREFIX') return { prefix: h.prefix ?? '' };
  return {};
}

/** The diagnosis of one request: see `diagnose` in diagnose.ts. */
export async function runDiagnosis(provider: CryptoProvider, method: string, url: string, options: DiagnoseOptions): Promise<NogDiagnosis> {
  assertString(method, 'method', NogError);
  assertString(url, 'url', NogError);
  assertObject(options, 'options', NogError);
  const extras = checkExtras(options);
  const config = resolveVerifierOptions({ ...options, nonceStore: UNCLAIMED });
  const nowMs = config.now();
  // Each key is looked up once per diagnosis, however many hypotheses ask.
  const looked = new Map<string, unknown>();
  const lookup = (id: string): unknown => {
    if (!looked.has(id)) looked.set(id, Promise.resolve(config.lookup(id)));
    return looked.get(id);
  };
  const read = readRequest(url, config.urlOptions.maxLength, config.defaultExpires);
  const keyId = read.auth.get('authkeyid') ?? null;
  const carried = read.auth.get('authsignature') ?? null;
  const x: Context = { provider, config, lookup, method, url, read, keyId: keyId ?? '', carried: carried ?? '', nowMs };
  const received = await verifyRequest({ ...config, now: () => nowMs, lookup }, provider, method, url);
  // A valid request whose nonce the verifier reported as seen: the diagnosis cannot ask the store (it would claim).
  const replayed = received.ok && extras.failure === 'ERR_AUTH_NONCE_INVALID' && read.auth.has('authnonce');
  const secret = keyId === null ? null : secretOf(await lookup(keyId));

  let server: NogServerStages | null = null;
  if (read.signedPart !== null) {
    const stringToSign = `${method}\n${read.signedPart}\n`;
    const expectedSignature = secret === null ? null : await provider.hmacHex(secret, stringToSign);
    const signatureMatches = expectedSignature !== null && carried !== null && timingSafeEqual(expectedSignature, carried);
    server = { method, target: read.signedPart, stringToSign, expectedSignature, carriedSignature: carried, signatureMatches };
  }

  let client: NogClientStages | null = null;
  let clientOrigin = '';
  if (extras.expectedUrl !== undefined && server !== null) {
    const expected = readRequest(extras.expectedUrl, Number.MAX_SAFE_INTEGER, config.defaultExpires, false);
    const part = clientSignedPart(expected, read);
    if (part !== null) {
      clientOrigin = expected.parts!.origin;
      const stringToSign = `${method}\n${part.target}\n`;
      const differsAt = firstDifference(stringToSign, server.stringToSign);
      const expectedSignature = secret === null ? null : await provider.hmacHex(secret, stringToSign);
      client = { method, origin: '', target: part.target, stringToSign, differsAt, expectedSignature, carriedSignature: part.signature };
    }
  }

  const findings: NogFinding[] = [];
  if (server !== null && keyId !== null && carried !== null && (!received.ok || replayed)) {
    const origins = [...new Set([read.parts?.origin ?? '', ...extras.origins, clientOrigin].filter((o) => o !== ''))];
    const secrets = [...keyEntries(options.keys).filter(([id]) => id !== keyId), ...extras.otherSecrets].filter(([, s]) => s !== secret);
    const list = hypotheses({
      method,
      keyId,
      keyKnown: secret !== null,
      signedPart: server.target,
      signatureLast: read.signatureLast,
      origins,
      prefixes: extras.prefixes,
      secrets,
      clientTarget: client?.target ?? null,
    });
    const tried = new Set<string>();
    for (const h of list) {
      const key = h.secret ?? secret;
      const stringToSign = `${h.method}\n${h.origin}${h.target}\n`;
      if (key === null || tried.has(`${h.secretName ?? ''}\n${stringToSign}`)) continue;
      tried.add(`${h.secretName ?? ''}\n${stringToSign}`);
      if (!timingSafeEqual(await provider.hmacHex(key, stringToSign), carried)) continue;
      // The client signed exactly this: no other string to sign has the same HMAC.
      const signed = {
        method: h.method,
        origin: h.origin,
        target: h.target,
        stringToSign,
        differsAt: firstDifference(stringToSign, server.stringToSign),
      };
      findings.push(...(await confirm(x, h, signed, extras.failure)));
      break;
    }
    // The client's own signed URL carries this very signature over this very string: it used another secret.
    const sameString = client !== null && client.carriedSignature === carried && client.stringToSign === server.stringToSign;
    if (findings.length === 0 && sameString && secret !== null && !server.signatureMatches && !received.ok) {
      const message = `the request arrived exactly as the client signed it (expectedUrl), yet its signature is not the HMAC under this verifier's secret for key id ${keyId}: the client signed with another secret`;
      const signed = { method, origin: '', target: server.target, stringToSign: server.stringToSign, differsAt: -1 };
      findings.push({ code: 'DIAG_WRONG_SECRET', message, signed, secretName: null });
    }
  }

  const code = received.ok ? (replayed ? 'ERR_AUTH_NONCE_INVALID' : null) : received.code;
  const parts = read.parts;
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
