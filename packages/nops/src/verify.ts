import { invalidArgument } from './errors.js';
import { optionsObject } from './message.js';
import type { Verifier } from './internal/provider.js';
import { receivedMessage, type ReceivedRequest } from './internal/received.js';
import type { PublicKeyInput } from './types.js';

export type { ReceivedRequest };

/** What was signed: the message itself, or the parts of the request as sent, from which it is rebuilt. */
export type VerifyInput = { readonly message: string } | ReceivedRequest;

/**
 * Shared by both builds: `verify` with the build's crypto provider. Checks, in this order: the input (the request
 * parts as in `sign`), the signature's encoding (`ERR_NOPS_SIGNATURE_ENCODING`), the key (`ERR_NOPS_KEY`).
 */
export async function verifyWith(
  provider: Verifier,
  input: VerifyInput,
  signature: string,
  publicKey: PublicKeyInput,
): Promise<boolean> {
  optionsObject(input, 'input');
  let message: string;
  if ('message' in input) {
    if (typeof input.message !== 'string') invalidArgument('input.message must be a string');
    message = input.message;
  } else {
    message = receivedMessage(input);
  }
  if (typeof signature !== 'string') invalidArgument('signature must be a string');
  const bytes = provider.decodeSignature(signature);
  const pending = provider.key(publicKey, 'public');
  const key = pending instanceof Promise ? await pending : pending;
  const result = provider.verify(key, message, bytes);
  return typeof result === 'boolean' ? result : await result;
}
