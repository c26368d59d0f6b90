import { assertFunction, assertKnownOptions, assertObject } from '@reqsign/canonical';
import { createVerifier, NogError, VERIFIER_OPTION_NAMES, type Verifier } from '@reqsign/nog';
import type { NogVerifierOptions, NogVerifierSource } from '../types.js';

/** The options that are this package's own; every other option belongs to @reqsign/nog's `createVerifier`. */
const OWN_OPTIONS: ReadonlySet<string> = new Set(['verifier', 'mountPrefix', 'originalUrl', 'rewriteUrl', 'onFailure', 'passPreflight']);
/** Every option an integration takes: its own and the verifier's. Any other is refused, with the one meant. */
const KNOWN_OPTIONS: readonly string[] = [...OWN_OPTIONS, ...VERIFIER_OPTION_NAMES];

/** The verifier of the options: the one given, or one built from the verifier options. */
export function verifierOf(options: NogVerifierSource): Verifier {
  assertObject(options, 'options', NogError);
  assertKnownOptions(options, KNOWN_OPTIONS, 'options', NogError);
  if (options.verifier !== undefined) {
    if (typeof options.verifier !== 'object' || options.verifier === null || typeof options.verifier.verify !== 'function') {
      throw new NogError('ERR_INVALID_ARGUMENT', 'verifier must have a verify(method, url) function');
    }
    // A ready verifier brings its own keys and store: options for another one would be silently ignored.
    for (const name of Object.keys(options)) {
      if (!OWN_OPTIONS.has(name)) throw new NogError('ERR_INVALID_ARGUMENT', `${name} cannot be given together with verifier`);
    }
    return options.verifier;
  }
  const verifierOptions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) if (!OWN_OPTIONS.has(name)) verifierOptions[name] = value;
  return createVerifier(verifierOptions as unknown as NogVerifierOptions);
}

/** Checks an `originalUrl` option. */
export function checkOriginalUrl<T>(fn: T): T {
  if (fn !== undefined) assertFunction(fn, 'originalUrl', NogError);
  return fn;
}
