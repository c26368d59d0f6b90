import { CanonicalError } from './errors.js';

/** The fields of a fetch `Request` that a re-sent copy keeps (everything but its URL, headers and body). */
export const REQUEST_FIELDS = [
  'method',
  'signal',
  'redirect',
  'credentials',
  'mode',
  'cache',
  'referrer',
  'referrerPolicy',
  'integrity',
  'keepalive',
] as const;

/**
 * What it takes to send a `Request` again to another URL (a signed one): its fields, its headers, and its body read
 * into memory, since a `Request`'s URL cannot be changed and its body can be read only once.
 */
export async function resendable(request: Request): Promise<RequestInit> {
  if (typeof Request === 'undefined' || !(request instanceof Request)) {
    throw new CanonicalError('ERR_INVALID_ARGUMENT', 'request must be a Request');
  }
  // A body read once cannot be read again: say so, rather than the platform's TypeError.
  if (request.bodyUsed) throw new CanonicalError('ERR_INVALID_ARGUMENT', "The request's body has already been read");
  const init: Record<string, unknown> = {};
  for (const f of REQUEST_FIELDS) init[f] = request[f];
  init['headers'] = new Headers(request.headers);
  init['body'] = request.body === null ? null : await request.arrayBuffer();
  return init as RequestInit;
}
