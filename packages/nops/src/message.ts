import { appendQuery, assertObject, assertOptionNames, parseRequestTarget } from '@reqsign/canonical';
import { NopsError } from './errors.js';
import { dayOf } from './internal/day.js';
import { apiKeyCount, messageOf, type MessageParts, type NopsMessage, type Side } from './internal/messageOf.js';

export type { NopsMessage };

/** The options that make up the message: the API key, the day and its zone, where the key goes, the slash rule. */
export type MessageOptions = MessageParts;

/** The names of {@link MessageOptions}: any other is refused (a misspelt option would be ignored silently). */
export const MESSAGE_OPTION_NAMES: readonly string[] = ['apiKey', 'date', 'timeZone', 'apiKeyIn', 'trailingSlash'];

/** Refuses an option name not in `names` (after the options' own check: an object). */
export function checkNames(options: unknown, names: readonly string[], where: string): void {
  assertObject(options, 'options', NopsError);
  assertOptionNames(options, names, where, NopsError);
}

/**
 * A signer builds what a well-behaved client sends: the slash added (or refused), no `api_key` already in the URL
 * under any spelling (in either form: a key in the header and another in the query would be ambiguous), then, in
 * query form, `api_key=<key>` appended. The URL as sent (origin and target, non-ASCII encoded, no fragment) must fit
 * the verifier's limit, so that what is signed is taken (`ERR_TARGET_TOO_LONG`).
 */
export const SIGNING: Side = {
  name: 'options',
  parse: (url) => parseRequestTarget(url),
  slash: (parts) => parts.trailingSlash ?? 'add',
  target(base, query, apiKey, apiKeyIn, origin) {
    if (apiKeyCount(query) > 0) {
      throw new NopsError('ERR_NOPS_API_KEY_PARAM', 'The URL already has an api_key parameter; pass the key as apiKey only');
    }
    const target = apiKeyIn === 'query' ? appendQuery(base, `api_key=${apiKey}`) : base;
    // The URL as sent, read again: only its length can fail (encoding and api_key add printable ASCII), with the
    // canonical code and limit, ERR_TARGET_TOO_LONG (smaller in a bundle than a check of its own).
    parseRequestTarget(origin + target);
    return target;
  },
  day: dayOf,
};

/**
 * Builds the nOps message for a request without signing it: what `sign` signs, for inspection or for signing
 * elsewhere (`printf %s "$message" | openssl dgst -sha256 -sign key.pem | base64 -w0`).
 *
 * Checks, in this order: the options' types, the API key (`ERR_NOPS_API_KEY`), the URL (`ERR_TARGET_*`), the
 * trailing slash, an `api_key` parameter already in the URL (`ERR_NOPS_API_KEY_PARAM`), the date.
 * Non-ASCII characters are percent-encoded as UTF-8, the form in which they travel; all else stays as given.
 */
export function buildMessage(url: string, options: MessageOptions): NopsMessage {
  checkNames(options, MESSAGE_OPTION_NAMES, 'buildMessage');
  return messageOf(url, options, SIGNING);
}
