import { messageOf, type MessageParts, type NopsMessage } from './internal/messageOf.js';

export type { NopsMessage };

/** The options that make up the message: the API key, the day and its zone, where the key goes, the slash rule. */
export type MessageOptions = MessageParts;

/**
 * Builds the nOps message for a request without signing it: what `sign` signs, for inspection or for signing
 * elsewhere (`printf %s "$message" | openssl dgst -sha256 -sign key.pem | base64 -w0`).
 *
 * Checks, in this order: the options' types, the API key (`ERR_NOPS_API_KEY`), the URL (`ERR_TARGET_*`), the
 * trailing slash, an `api_key` parameter already in the URL (`ERR_NOPS_API_KEY_PARAM`), the date.
 * Non-ASCII characters are percent-encoded as UTF-8, the form in which they travel; all else stays as given.
 */
export function buildMessage(url: string, options: MessageOptions): NopsMessage {
  return messageOf(url, options, 'sign');
}
