import { NogError, type NogAuthErrorCode } from '../../errors.js';
import { AUTH_MESSAGES } from '../../errors.js';
import type { DiagnoseOptions } from '../../diagnose/api.js';

/** The options only a diagnosis has, checked (the verifier's own are checked by resolveVerifierOptions). */
export interface DiagnosisExtras {
  readonly expectedUrl: string | undefined;
  readonly failure: NogAuthErrorCode | undefined;
  readonly origins: readonly string[];
  readonly prefixes: readonly string[];
  readonly otherSecrets: ReadonlyArray<readonly [string, string]>;
}

const ORIGIN = /^https?:\/\/[^/?#\s]+$/i;

function strings(value: unknown, name: string): readonly string[] {
  if (value === undefined) return [];
  // A copy, with holes as undefined: every() skips the holes of a sparse array.
  const copy: unknown[] = Array.isArray(value) ? Array.from(value) : [0];
  if (!copy.every((v) => typeof v === 'string')) throw new NogError('ERR_INVALID_ARGUMENT', `${name} must be an array of strings`);
  return copy as string[];
}

function secretEntries(value: unknown, name: string): Array<readonly [string, string]> {
  if (value === undefined || typeof value === 'function') return [];
  const entries = value instanceof Map ? [...value.entries()] : typeof value === 'object' && value !== null ? Object.entries(value) : null;
  if (entries === null) throw new NogError('ERR_INVALID_ARGUMENT', `${name} must be a Map or a record`);
  for (const [id, secret] of entries) {
    if (typeof id !== 'string' || typeof secret !== 'string')
      throw new NogError('ERR_INVALID_ARGUMENT', `${name} must map names to secret strings`);
  }
  return (entries as Array<[string, string]>).filter(([, secret]) => secret !== '');
}

export function checkExtras(options: DiagnoseOptions): DiagnosisExtras {
  const { expectedUrl, failure } = options;
  if (expectedUrl !== undefined && typeof expectedUrl !== 'string')
    throw new NogError('ERR_INVALID_ARGUMENT', 'expectedUrl must be a string');
  let code: NogAuthErrorCode | undefined;
  if (failure !== undefined) {
    const c: unknown = typeof failure === 'object' && failure !== null ? failure.code : undefined;
    if (typeof c !== 'string' || !Object.hasOwn(AUTH_MESSAGES, c)) {
      throw new NogError('ERR_INVALID_ARGUMENT', 'failure must be a verification failure ({ code: "ERR_AUTH_..." })');
    }
    code = c as NogAuthErrorCode;
  }
  const origins = strings(options.origins, 'origins');
  if (!origins.every((o) => ORIGIN.test(o))) throw new NogError('ERR_OPTION_RANGE', 'origins must be scheme://host[:port], without a path');
  return {
    expectedUrl,
    failure: code,
    origins,
    prefixes: strings(options.prefixes, 'prefixes'),
    otherSecrets: secretEntries(options.otherSecrets, 'otherSecrets'),
  };
}

/** The secrets of every key in a record or map of keys (a lookup function cannot be listed). */
export function keyEntries(keys: unknown): Array<readonly [string, string]> {
  return secretEntries(keys, 'keys');
}
