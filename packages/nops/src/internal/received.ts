import { parseReceivedTarget } from '@reqsign/canonical';
import { NopsError } from '../errors.js';
import { dayOf } from './day.js';
import { apiKeyCount, type Side } from './messageOf.js';

/**
 * A verifier checks a request as a server got it: its URL read as received (a leading `//` starts a path), nothing
 * added or corrected, in query form ending with `api_key=<key>` once, in header form with no `api_key` at all (under
 * any spelling of the name: `api%5Fkey` is a second key to a server that decodes names).
 */
export const RECEIVED: Side = /* @__PURE__ */ receivedSide();

function receivedSide(): Side {
  // The day last found valid (a verifier reads the same day request after request); this side's own.
  let lastDay: string | undefined;
  return {
    name: 'input',
    parse: (url) => parseReceivedTarget(url),
    slash: () => 'reject',
    target(base, query, apiKey, apiKeyIn) {
      // The usual case, checked without splitting the query (or building the expected tail): it ends with
      // api_key=<key>, its only mention of api_key, and has no `%` (so no encoded spelling of the name either).
      if (apiKeyIn === 'query' && query !== null && !query.includes('%')) {
        const at = query.length - apiKey.length - 8;
        if (
          at >= 0 &&
          query.endsWith(apiKey) &&
          query.startsWith('api_key=', at) &&
          (at === 0 || query.charCodeAt(at - 1) === 0x26) /* & */ &&
          query.indexOf('api_key') === at
        ) {
          return base;
        }
      }
      const count = apiKeyCount(query);
      if (apiKeyIn === 'header' && count > 0) {
        throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In header form the URL must not carry an api_key parameter');
      }
      if (apiKeyIn === 'query') {
        // Split: the last parameter must be exactly api_key=<key>, and the only api_key.
        const last = query === null ? undefined : query.slice(query.lastIndexOf('&') + 1);
        if (count !== 1 || last !== `api_key=${apiKey}`) {
          throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In query form the URL must end with the api_key parameter, once');
        }
      }
      return base;
    },
    // A verifier reads the same day request after request: the last one found valid is not checked again (parseDay
    // builds a Date to check a day, a third of the cost verify adds to crypto.verify; npm run bench).
    day(date, timeZone) {
      if (typeof date === 'string' && date === lastDay && timeZone === undefined) return date;
      const day = dayOf(date, timeZone);
      if (typeof date === 'string') lastDay = day;
      return day;
    },
  };
}
