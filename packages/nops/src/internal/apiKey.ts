import { isUnreserved } from '@reqsign/canonical';
import { NopsError, invalidArgument } from '../errors.js';

// RFC 3986 unreserved characters (canonical's isUnreserved): the key goes into the query and a header byte for byte,
// so it must need no escaping anywhere. nOps keys look like `123.aaaa4432454ccccb5a2280e755fdzzzz`.

/** The client id of an nOps API key (its part before the first `.`), after checking the key can be sent raw. */
export function clientIdOf(apiKey: unknown): string {
  if (typeof apiKey !== 'string') invalidArgument('apiKey must be a string');
  const dot = apiKey.indexOf('.');
  if (dot === -1) throw new NopsError('ERR_NOPS_API_KEY', 'The API key has no "." separating the client id');
  if (dot === 0) throw new NopsError('ERR_NOPS_API_KEY', 'The API key has an empty client id');
  if (!isUnreserved(apiKey)) {
    throw new NopsError('ERR_NOPS_API_KEY', 'The API key may only contain A-Z a-z 0-9 . _ ~ -');
  }
  return apiKey.slice(0, dot);
}
