import { assertObject, assertString, firstDifference, stageOf, type Stage } from '@reqsign/canonical';
import type { NopsDiagnoseOptions, NopsDiagnosis, NopsFinding, NopsServerStages, NopsSignedAs } from '../../diagnose/api.js';
import { NopsError, invalidArgument } from '../../errors.js';
import type { PublicKeyInput } from '../../types.js';
import { verifyWith, type VerifyInput } from '../../verify.js';
import type { VerifyCrypto } from '../provider.js';
import { hypotheses } from './hypotheses.js';
import { digestOf, openSignature, publicNumbers, type Opened } from './open.js';
import { clientTarget, readNops } from './read.js';

const ORIGIN = /^https?:\/\/[^/?#\s]+$/i;

function strings(value: unknown, name: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) invalidArgument(`options.${name} must be an array of strings`);
  return value as string[];
}

function checkOptions(options: NopsDiagnoseOptions | undefined) {
  if (options === undefined) return { expectedUrl: undefined, otherKeys: [], origins: [], prefixes: [] };
  assertObject(options, 'options', NopsError);
  if (options.expectedUrl !== undefined) assertString(options.expectedUrl, 'options.expectedUrl', NopsError);
  const others = options.otherKeys ?? {};
  assertObject(others, 'options.otherKeys', NopsError);
  const origins = strings(options.origins, 'origins');
  if (!origins.every((o) => ORIGIN.test(o))) invalidArgument('options.origins must be scheme://host[:port], without a path');
  return { expectedUrl: options.expectedUrl, otherKeys: Object.entries(others), origins, prefixes: strings(options.prefixes, 'prefixes') };
}

const resolved = async <T>(value: T | Promise<T>): Promise<T> => (value instanceof Promise ? await value : value);

/** The diagnosis of one signature: see `diagnose` in diagnose.ts. */
export async function runDiagnosis(
  crypto: VerifyCrypto,
  input: VerifyInput,
  signature: string,
  publicKey: PublicKeyInput,
  options?: NopsDiagnoseOptions,
): Promise<NopsDiagnosis> {
  const extras = checkOptions(options);
  // verify checks the arguments and the key, and throws where it throws.
  const received = await verifyWith(crypto)(input, signature, publicKey);
  const read = readNops(input);
  let bytes: Uint8Array | null = null;
  try {
    bytes = crypto.decodeSignature(signature);
  } catch {
    bytes = null;
  }
  // verify may have answered before it read the key (a rule of the request, the signature's encoding): a key it
  // would refuse is then no reason to reject here, only to try nothing with it.
  const usable = <T>(work: () => Promise<T>): Promise<T | null> =>
    Promise.resolve()
      .then(work)
      .catch(() => null);
  const numbers = await usable(() => publicNumbers(publicKey));
  const opened: Opened | null = numbers === null || bytes === null ? null : openSignature(numbers, bytes);

  let server: NopsServerStages | null = null;
  if (read.message !== null) {
    server = {
      target: read.target,
      message: read.message,
      signature,
      messageDigest: await digestOf('SHA-256', read.message),
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
  if (!received.ok && bytes !== null && server !== null) {
    const key = await usable(() => resolved(crypto.key(publicKey, 'public')));
    const verifies = async (k: unknown, message: string): Promise<boolean> => resolved(crypto.verify(k, message, bytes!));
    if (opened?.kind === 'this-key' && opened.hash !== 'SHA-256') {
      if (opened.hash !== 'unknown' && (await digestOf(opened.hash, server.message)) === opened.digest) {
        const text = `this key signed the message over a ${opened.hash} digest; nOps signs SHA-256 (RSASSA-PKCS1-v1_5 with SHA-256)`;
        findings.push({ code: 'DIAG_HASH_ALGORITHM', message: text, signed: signedAs(server.message), hash: opened.hash });
      }
    } else if (
      key !== null &&
      opened?.kind !== 'other-key' &&
      clientId !== null &&
      day !== null &&
      read.target !== null &&
      apiKey !== null
    ) {
      const seen = new Set<string>();
      const list = hypotheses({
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
      for (const h of list) {
        if (seen.has(h.message)) continue;
        seen.add(h.message);
        if (h.code === null || !(await verifies(key, h.message))) continue;
        findings.push({ code: h.code, message: h.text, signed: signedAs(h.message), ...h.extra } as NopsFinding);
        break;
      }
    }
    if (findings.length === 0 && opened?.kind !== 'this-key') {
      for (const [name, other] of extras.otherKeys) {
        if (!(await verifies(await resolved(crypto.key(other, 'public')), server.message))) continue;
        const text = `the signature verifies with the key ${name}, not with this public key`;
        findings.push({ code: 'DIAG_OTHER_KEY', message: text, signed: signedAs(server.message), keyName: name });
        break;
      }
    }
    if (findings.length === 0 && opened?.kind === 'other-key') {
      const text =
        'the signature does not open under this public key to a PKCS#1 v1.5 block, as every signature of its private key does: another key made it (or its bytes were changed)';
      findings.push({ code: 'DIAG_OTHER_KEY', message: text, signed: null, keyName: null });
    }
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
    stages: server === null ? [] : stagesOf(server, client, findings),
  };
}

const KEY_WORDS = {
  'this-key': (hash: string | null) => `this public key made the signature (over a ${hash} digest)`,
  'other-key': () => 'this public key did not make the signature',
} as const;

/** The stages for display: see NopsDiagnosis.stages. */
function stagesOf(server: NopsServerStages, client: NopsSignedAs | null, findings: readonly NopsFinding[]): Stage[] {
  const proven = findings.find((f) => f.signed !== null && f.signed.differsAt !== -1)?.signed ?? null;
  const signed = proven !== null && proven.message !== client?.message ? proven : null;
  const key = server.signatureKey === null ? 'cannot tell (the key cannot be read)' : KEY_WORDS[server.signatureKey](server.signedHash);
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
