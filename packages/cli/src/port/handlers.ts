import type { Handlers, Scheme } from '@reqsign/conformance/portable';
import { canonicalHandlers } from './canonical.js';
import { nogHandlers } from './nog.js';
import { nopsHandlers } from './nops.js';

/**
 * The reqsign packages as a conformance implementation: one handler table per scheme in SCHEMES (the `Record` makes
 * a new scheme without handlers a type error). `webcrypto` drives the portable WebCrypto builds instead of the
 * node:crypto ones, so that the same vectors cover both paths. No `node:` import: the browser suite runs these too.
 */
export async function schemeHandlers(webcrypto: boolean): Promise<Readonly<Record<Scheme, Handlers>>> {
  return {
    canonical: canonicalHandlers,
    'nog-v1': await nogHandlers(webcrypto),
    nops: await nopsHandlers(webcrypto),
  };
}
