import { encodeNonAscii, parseQuery, parseReceivedTarget } from '@reqsign/canonical';
import { NopsError } from '../errors.js';
import { apiKeyInOf } from '../message.js';
import { clientIdOf } from './apiKey.js';
import { dayOf } from './day.js';

/** The parts of a request as sent, to verify its signature. */
export interface ReceivedRequest {
  /**
   * The URL as sent (absolute, or origin-form where a leading `//` starts a path): in query form it ends with
   * `api_key=<apiKey>`.
   */
  readonly url: string;
  readonly apiKey: string;
  /** The day the signature claims: a `Date` (in `timeZone`, default UTC) or `YYYY-MM-DD`. */
  readonly date: Date | string;
  readonly timeZone?: string | undefined;
  readonly apiKeyIn?: 'query' | 'header' | undefined;
}

/**
 * The message a well-behaved client signed for a request as sent. Nothing is added or corrected: the path must end
 * in `/` (`ERR_NOPS_TRAILING_SLASH`), and in query form the last parameter must be `api_key=<apiKey>`, once, while
 * in header form there must be no `api_key` parameter (`ERR_NOPS_API_KEY_PARAM`).
 */
export function receivedMessage(request: ReceivedRequest): string {
  const apiKeyIn = apiKeyInOf(request.apiKeyIn);
  const clientId = clientIdOf(request.apiKey);
  // As received: a path may start with // (GET //a/ HTTP/1.1).
  const parts = parseReceivedTarget(request.url);
  const path = encodeNonAscii(parts.path);
  const query = parts.query === null ? null : encodeNonAscii(parts.query);
  if (!path.endsWith('/')) {
    throw new NopsError('ERR_NOPS_TRAILING_SLASH', 'The path does not end in "/", which nOps requires');
  }
  const params = query === null ? [] : parseQuery(query);
  const keyed = params.filter((p) => p.name === 'api_key').length;
  if (apiKeyIn === 'query') {
    const last = params[params.length - 1];
    if (last === undefined || last.name !== 'api_key' || last.value !== request.apiKey || keyed !== 1) {
      throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In query form the URL must end with the api_key parameter, once');
    }
  } else if (keyed !== 0) {
    // sign refuses such a URL in either form: a key in the header and another in the query would be ambiguous.
    throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'In header form the URL must not carry an api_key parameter');
  }
  if (request.date === undefined) throw new NopsError('ERR_INVALID_ARGUMENT', 'date is required to verify a request');
  const day = dayOf(request.date, request.timeZone);
  return `${clientId}.${day}.${query === null ? path : `${path}?${query}`}`;
}
