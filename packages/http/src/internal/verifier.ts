import { createVerifier, NogError } from '@reqsign/nog';
import type { NogVerifier, NogVerifierOptions, NogVerifierSource } from '../types.js';

/** The verifier of the options: the one given, or one built from the verifier options. */
export function verifierOf(options: NogVerifierSource): NogVerifier {
  if (typeof options !== 'object' || options === null) throw new NogError('ERR_INVALID_ARGUMENT', 'options must be an object');
  if (options.verifier !== undefined) {
    if (typeof options.verifier !== 'object' || options.verifier === null || typeof options.verifier.verify !== 'function') {
      throw new NogError('ERR_INVALID_ARGUMENT', 'verifier must have a verify(method, url) function');
    }
    // A ready verifier brings its own keys and store: options for another one would be silently ignored.
    for (const name of ['keys', 'nonceStore', 'now', 'defaultExpires', 'maxExpiresWithNonce', 'maxExpires', 'maxClockSkew', 'requireNonce', 'maxUrlLength']) {
      if (name in options) throw new NogError('ERR_INVALID_ARGUMENT', `${name} cannot be given together with verifier`);
    }
    return options.verifier;
  }
  // Proxy options are ours, not the verifier's.
  const { mountPrefix: _m, originalUrl: _o, rewriteUrl: _r, ...verifierOptions } = options as NogVerifierOptions & {
    mountPrefix?: unknown;
    originalUrl?: unknown;
    rewriteUrl?: unknown;
  };
  return createVerifier(verifierOptions);
}

/** Checks an `originalUrl` option. */
export function checkOriginalUrl<T>(fn: T): T {
  if (fn !== undefined && typeof fn !== 'function') throw new NogError('ERR_INVALID_ARGUMENT', 'originalUrl must be a function');
  return fn;
}
