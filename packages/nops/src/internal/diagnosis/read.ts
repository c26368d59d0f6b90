import { appendQuery, encodeNonAscii, parseQuery, parseReceivedTarget, parseRequestTarget, type RequestTarget } from '@reqsign/canonical';
import type { NopsRequestView } from '../../diagnose/api.js';
import type { ApiKeyIn } from '../../types.js';
import type { VerifyInput } from '../../verify.js';
import { clientIdOf } from '../apiKey.js';
import { dayOf } from '../day.js';

/** A request read leniently: what it has, also where a rule of the verifier refuses it. */
export interface ReadNops {
  readonly view: NopsRequestView;
  /** The target as received, non-ASCII encoded. */
  readonly target: string | null;
  /** `<client id>.<day>.<target>`, or the input's message. */
  readonly message: string | null;
  readonly apiKey: string | null;
  /** The instant the day was taken from, when the input gave a `Date`. */
  readonly instant: number | null;
}

const attempt = <T>(fn: () => T): T | null => {
  try {
    return fn();
  } catch {
    return null;
  }
};

/** The wire form of a target: non-ASCII characters percent-encoded as UTF-8, all else as given. */
export const wireTarget = (parts: RequestTarget): string =>
  encodeNonAscii(parts.path) + (parts.query === null ? '' : `?${encodeNonAscii(parts.query)}`);

export function readNops(input: VerifyInput): ReadNops {
  const empty = { origin: null, path: null, query: null, fragment: null, parameters: [] };
  if ('message' in input) {
    const view = { url: null, ...empty, clientId: null, day: null, timeZone: null, apiKeyIn: 'query' as ApiKeyIn };
    return { view, target: null, message: input.message, apiKey: null, instant: null };
  }
  const apiKeyIn: ApiKeyIn = input.apiKeyIn === 'header' ? 'header' : 'query';
  const clientId = attempt(() => clientIdOf(input.apiKey));
  const parts = attempt(() => parseReceivedTarget(input.url));
  const day = attempt(() => dayOf(input.date, input.timeZone));
  const target = parts === null ? null : wireTarget(parts);
  const view: NopsRequestView = {
    url: input.url,
    ...(parts === null
      ? empty
      : {
          origin: parts.origin,
          path: parts.path,
          query: parts.query,
          fragment: parts.fragment,
          parameters: parts.query === null ? [] : parseQuery(parts.query),
        }),
    clientId,
    day,
    timeZone: typeof input.timeZone === 'string' ? input.timeZone : null,
    apiKeyIn,
  };
  const message = clientId === null || day === null || target === null ? null : `${clientId}.${day}.${target}`;
  const instant = input.date instanceof Date ? input.date.getTime() : null;
  return { view, target, message, apiKey: typeof input.apiKey === 'string' ? input.apiKey : null, instant };
}

/** The target a client's signer builds from `url`: the slash added, `api_key` appended in query form. */
export function clientTarget(url: string, apiKey: string, apiKeyIn: ApiKeyIn): string | null {
  const parts = attempt(() => parseRequestTarget(url)) ?? attempt(() => parseReceivedTarget(url));
  if (parts === null) return null;
  let path = encodeNonAscii(parts.path);
  if (!path.endsWith('/')) path += '/';
  const query = parts.query === null ? null : encodeNonAscii(parts.query);
  const keyed = query !== null && parseQuery(query).some((p) => p.name === 'api_key');
  const base = query === null ? path : `${path}?${query}`;
  return apiKeyIn === 'header' || keyed ? base : appendQuery(base, `api_key=${apiKey}`);
}
